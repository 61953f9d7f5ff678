// Writes the seed corpora of the fuzz targets into <folder>/<target>/: tiny valid inputs of each
// format and a few variants. Run it again to regenerate them; crash reproducers found by fuzzing
// are added next to these by hand (named crash-*/leak-*/timeout-*) and never regenerated.
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "formats/safetensors.h"
#include "models/checkpoint_writer.h"
#include "models/npy_writer.h"

using namespace diarize;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

void save(const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
void save_text(const std::string& target, const std::string& name, const std::string& text) {
  save(target, name, std::vector<uint8_t>(text.begin(), text.end()));
}
std::vector<uint8_t> with_mode(uint8_t mode, std::vector<uint8_t> bytes) {
  bytes.insert(bytes.begin(), mode);
  return bytes;
}

void safetensors_seeds() {
  const auto small = serialize_safetensors(
      {TensorData::from_f32("w", {2, 3}, {1, 2, 3, 4, 5, 6}), TensorData::from_i64("n", {}, {7})}, {{"format", "pt"}});
  save("fuzz_safetensors", "small", small);
  TensorData bf16;
  bf16.name = "b";
  bf16.dtype = DType::BF16;
  bf16.shape = {2};
  bf16.bytes = {0x80, 0x3f, 0x00, 0x40};
  TensorData mask;
  mask.name = "m";
  mask.dtype = DType::BOOL;
  mask.shape = {0, 3};
  save("fuzz_safetensors", "dtypes", serialize_safetensors({bf16, mask, TensorData::from_f64("d", {1}, {0.5})}));
  save("fuzz_safetensors", "empty", serialize_safetensors({}));
  save("fuzz_safetensors", "truncated", std::vector<uint8_t>(small.begin(), small.end() - 5));
}

std::vector<TensorData> tiny_state_dict() {
  TensorData mask;
  mask.name = "mask";
  mask.dtype = DType::BOOL;
  mask.shape = {2};
  mask.bytes = {1, 0};
  // Sizes match the fuzz harness's fixed storages "0" (24 bytes), "1" (48 bytes), "2" (2 bytes).
  return {TensorData::from_f32("linear.weight", {2, 3}, {1, 2, 3, 4, 5, 6}),
          TensorData::from_i64("bn.num_batches_tracked", {2, 3}, {1, 2, 3, 4, 5, 6}), mask};
}

void zip_pickle_seeds() {
  const auto state_dict = tiny_state_dict();
  save("fuzz_zip_pickle", "ckpt_lightning", with_mode(0, test::write_lightning_checkpoint(state_dict)));
  test::LightningOptions plain;
  plain.plain_state_dict = true;
  plain.archive = "m";
  save("fuzz_zip_pickle", "ckpt_plain_zip64", with_mode(0, test::write_lightning_checkpoint(state_dict, plain, {true, false})));
  save("fuzz_zip_pickle", "pickle_lightning", with_mode(1, test::lightning_pickle(state_dict, {})));
  save("fuzz_zip_pickle", "pickle_plain", with_mode(1, test::lightning_pickle(state_dict, plain)));

  test::PickleWriter views;  // views, parameters and a subclass rebuild on the fixed storages
  views.empty_dict();
  views.mark();
  views.string("t");
  views.tensor(DType::F32, "0", 6, 0, {3, 2}, {1, 3});
  views.string("p");
  views.parameter(DType::U8, "2", 2, 1, {1}, {1});
  views.string("b");
  views.tensor(DType::I64, "1", 6, 2, {2, 2}, {0, 1});
  views.string("s");  // a tensor subclass through _rebuild_from_type_v2
  views.global("torch._tensor", "_rebuild_from_type_v2");
  views.mark();
  views.global("torch._utils", "_rebuild_tensor_v2");
  views.global("torch.nn.parameter", "Parameter");
  views.tensor_args(DType::F32, "0", 6, 1, {2}, {2});
  views.empty_dict();
  views.tuple(4);
  views.reduce();
  views.string("o");  // OrderedDict([('k', 1)])
  views.global("collections", "OrderedDict");
  views.empty_list();
  views.mark();
  views.string("k");
  views.integer(1);
  views.tuple(2);
  views.appends();
  views.tuple(1);
  views.reduce();
  views.setitems();
  views.stop();
  save("fuzz_zip_pickle", "pickle_views", with_mode(1, views.bytes));

  test::PickleWriter hostile(4);  // protocol 4 opcodes and inert globals
  hostile.op(0x95);
  for (int i = 0; i < 8; ++i) hostile.op(0);
  hostile.empty_dict();
  hostile.op(0x8c);
  hostile.op(3);
  hostile.raw("cmd");
  hostile.op(0x94);
  hostile.global("os", "system");
  hostile.string("echo hi");
  hostile.tuple(1);
  hostile.reduce();
  hostile.op('s');
  hostile.string("p");  // 'p': subprocess.Popen.__new__(Popen, *(), **{}) through STACK_GLOBAL, NEWOBJ_EX
  hostile.string("subprocess");
  hostile.string("Popen");
  hostile.op(0x93);
  hostile.empty_tuple();
  hostile.empty_dict();
  hostile.op(0x92);
  hostile.op('s');
  hostile.stop();
  save("fuzz_zip_pickle", "pickle_protocol4", with_mode(1, hostile.bytes));
}

// .npy with `data_bytes` of a simple pattern.
std::vector<uint8_t> npy(const std::string& descr, const std::string& shape, size_t data_bytes, int version = 1) {
  std::vector<uint8_t> data(data_bytes);
  for (size_t i = 0; i < data_bytes; ++i) data[i] = static_cast<uint8_t>(i % 7 == 0 ? 0x3f : 0);
  return test::make_npy(descr, shape, data, version);
}

std::vector<uint8_t> deflate_raw(const std::vector<uint8_t>& in) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<uint8_t> out(deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void npz_seeds() {
  // Small arrays under the PLDA's names (their shapes fail its checks, which the fuzzer explores too).
  auto archive = [](bool deflated) {
    std::vector<test::ZipRecord> records;
    for (const auto& [name, shape, bytes] : {std::make_tuple("mu", "(4,)", 32), std::make_tuple("tr", "(4, 4)", 128),
                                             std::make_tuple("psi", "(4,)", 32)}) {
      test::ZipRecord r;
      r.name = std::string(name) + ".npy";
      r.bytes = npy("<f8", shape, static_cast<size_t>(bytes));
      if (deflated) {
        r.method = 8;
        r.packed = deflate_raw(r.bytes);
      }
      records.push_back(std::move(r));
    }
    test::ZipWriteOptions options;
    options.align_64 = false;
    return test::write_zip(records, options);
  };
  save("fuzz_npz", "stored.npz", with_mode(0, archive(false)));
  save("fuzz_npz", "deflated.npz", with_mode(0, archive(true)));
  save("fuzz_npz", "v1_f4.npy", with_mode(1, npy("<f4", "(2, 3)", 24)));
  save("fuzz_npz", "v2_f8_scalar.npy", with_mode(1, npy("<f8", "()", 8, 2)));
  save("fuzz_npz", "v3_empty.npy", with_mode(1, npy("<f4", "(0, 5)", 0, 3)));
}

void rttm_seeds() {
  save_text("fuzz_rttm", "valid",
            "SPEAKER file1 1 0.500 1.250 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
            "SPEAKER file1 1 2.000 0.031 <NA> <NA> SPEAKER_01 <NA> <NA>\n");
  save_text("fuzz_rttm", "comments", ";; a comment\n\nSPKR-INFO f 1 <NA> <NA> <NA> unknown A <NA> <NA>\n"
                                     "SPEAKER f 1 1e2 0 <NA> <NA> A <NA> <NA>\r\n");
  save_text("fuzz_rttm", "malformed", "SPEAKER f x -1 nan\nFOO bar\n");
}

void put_le(std::vector<uint8_t>& b, uint32_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

std::vector<uint8_t> wav(uint16_t format, uint16_t channels, uint32_t rate, uint16_t bits,
                         const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b;
  b.insert(b.end(), {'R', 'I', 'F', 'F'});
  put_le(b, static_cast<uint32_t>(36 + data.size()), 4);
  b.insert(b.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  put_le(b, 16, 4);
  put_le(b, format, 2);
  put_le(b, channels, 2);
  put_le(b, rate, 4);
  put_le(b, rate * channels * bits / 8, 4);
  put_le(b, channels * bits / 8, 2);
  put_le(b, bits, 2);
  b.insert(b.end(), {'d', 'a', 't', 'a'});
  put_le(b, static_cast<uint32_t>(data.size()), 4);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

void audio_seeds() {
  std::vector<uint8_t> pcm16;
  for (int i = 0; i < 200; ++i) put_le(pcm16, static_cast<uint16_t>(static_cast<int16_t>(8000 * std::sin(i * 0.3))), 2);
  save("fuzz_audio", "pcm16_mono_8k.wav", wav(1, 1, 8000, 16, pcm16));
  std::vector<uint8_t> f32;
  for (int i = 0; i < 120; ++i) {
    float v = static_cast<float>(std::cos(i * 0.1));
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put_le(f32, bits, 4);
  }
  save("fuzz_audio", "float_stereo_44k.wav", wav(3, 2, 44100, 32, f32));
  save("fuzz_audio", "u8_mono_16k.wav", wav(1, 1, 16000, 8, std::vector<uint8_t>(64, 0x90)));
  save("fuzz_audio", "pcm24_3ch_48k.wav", wav(1, 3, 48000, 24, std::vector<uint8_t>(90, 0x11)));
}

// Protobuf, just enough for ONNX seeds.
void put_varint(std::vector<uint8_t>& b, uint64_t v) {
  while (v >= 0x80) {
    b.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  b.push_back(static_cast<uint8_t>(v));
}
void put_int(std::vector<uint8_t>& b, uint32_t field, uint64_t v) {
  put_varint(b, uint64_t(field) << 3);
  put_varint(b, v);
}
void put_bytes(std::vector<uint8_t>& b, uint32_t field, const std::vector<uint8_t>& payload) {
  put_varint(b, (uint64_t(field) << 3) | 2);
  put_varint(b, payload.size());
  b.insert(b.end(), payload.begin(), payload.end());
}
void put_str(std::vector<uint8_t>& b, uint32_t field, const std::string& s) {
  put_bytes(b, field, std::vector<uint8_t>(s.begin(), s.end()));
}

void onnx_seeds() {
  std::vector<uint8_t> weight;  // TensorProto: dims [2,2], FLOAT, raw_data
  put_int(weight, 1, 2);
  put_int(weight, 1, 2);
  put_int(weight, 2, 1);
  put_str(weight, 8, "W");
  std::vector<uint8_t> raw(16);
  const float values[4] = {1, -2, 3.5f, 0};
  std::memcpy(raw.data(), values, 16);
  put_bytes(weight, 9, raw);
  std::vector<uint8_t> shape;  // TensorProto: dims [2], INT64, int64_data
  put_int(shape, 1, 2);
  put_int(shape, 2, 7);
  put_int(shape, 7, 4);
  put_int(shape, 7, static_cast<uint64_t>(int64_t{-1}));
  put_str(shape, 8, "S");

  std::vector<uint8_t> attr_i, attr_ints, attr_f, attr_s, attr_t;
  put_str(attr_i, 1, "axis");
  put_int(attr_i, 3, 1);
  put_int(attr_i, 20, 2);
  put_str(attr_ints, 1, "pads");
  put_int(attr_ints, 8, 0);
  put_int(attr_ints, 8, 1);
  put_int(attr_ints, 20, 7);
  put_str(attr_f, 1, "alpha");
  put_varint(attr_f, (2u << 3) | 5);
  const float alpha = 0.25f;
  uint8_t fbytes[4];
  std::memcpy(fbytes, &alpha, 4);
  attr_f.insert(attr_f.end(), fbytes, fbytes + 4);
  put_int(attr_f, 20, 1);
  put_str(attr_s, 1, "mode");
  put_str(attr_s, 4, "constant");
  put_int(attr_s, 20, 3);
  put_str(attr_t, 1, "value");
  put_bytes(attr_t, 5, shape);
  put_int(attr_t, 20, 4);

  std::vector<uint8_t> node1, node2;
  put_str(node1, 1, "x");
  put_str(node1, 1, "W");
  put_str(node1, 2, "y");
  put_str(node1, 3, "mm");
  put_str(node1, 4, "MatMul");
  put_bytes(node1, 5, attr_i);
  put_bytes(node1, 5, attr_ints);
  put_bytes(node1, 5, attr_f);
  put_bytes(node1, 5, attr_s);
  put_str(node2, 2, "c");
  put_str(node2, 4, "Constant");
  put_str(node2, 7, "com.microsoft");
  put_bytes(node2, 5, attr_t);

  std::vector<uint8_t> value_x, value_y, graph;
  put_str(value_x, 1, "x");
  put_str(value_y, 1, "y");
  put_bytes(graph, 1, node1);
  put_bytes(graph, 1, node2);
  put_str(graph, 2, "g");
  put_bytes(graph, 5, weight);
  put_bytes(graph, 5, shape);
  put_bytes(graph, 11, value_x);
  put_bytes(graph, 12, value_y);

  std::vector<uint8_t> opset, meta, model;
  put_str(opset, 1, "");
  put_int(opset, 2, 13);
  put_str(meta, 1, "sample_rate");
  put_str(meta, 2, "16000");
  put_int(model, 1, 7);
  put_str(model, 2, "diarize-seed");
  put_str(model, 3, "1");
  put_bytes(model, 7, graph);
  put_bytes(model, 8, opset);
  put_bytes(model, 14, meta);
  save("fuzz_onnx", "tiny_model.onnx", model);

  // The same graph nested as an If node's subgraph attribute.
  std::vector<uint8_t> attr_g, node_if, outer, model2;
  put_str(attr_g, 1, "then_branch");
  put_bytes(attr_g, 6, graph);
  put_int(attr_g, 20, 5);
  put_str(node_if, 4, "If");
  put_bytes(node_if, 5, attr_g);
  put_bytes(outer, 1, node_if);
  put_int(model2, 1, 8);
  put_bytes(model2, 7, outer);
  save("fuzz_onnx", "nested_if.onnx", model2);
  save("fuzz_onnx", "truncated.onnx", std::vector<uint8_t>(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(model.size() / 2)));
}

}  // namespace

void transcript_seeds() {
  const char* target = "fuzz_transcript";
  save_text(target, "srt", "1\r\n00:00:00,600 --> 00:00:02,600 X1:1\r\n<i>Hello</i> there,\r\n{\\an8}you?\r\n\r\n"
                           "2\n01:00:04,200 --> 01:00:05,6\nFine.\n\n3\n00:00:07,000 --> 00:00:07,500\n\n");
  save_text(target, "srt_malformed", "1\n00:00:03,000 --> 00:00:02,000\nx\n\nhello\n7");
  save_text(target, "webvtt", "\xEF\xBB\xBFWEBVTT header\n\nSTYLE\n::cue {}\n\nNOTE n\n\nid\n"
                              "00:00.600 --> 00:02.600 align:start\n<v A>Hi &amp; <c.x>you</c> <00:00:01.000>&lt;3\n");
  save_text(target, "whisper_cpp",
            "{\n\t\"result\": {\"language\": \"en\"},\n\t\"transcription\": [\n\t\t{\n\t\t\t\"timestamps\": "
            "{\"from\": \"00:00:00,000\", \"to\": \"00:00:02,600\"},\n\t\t\t\"offsets\": {\"from\": 0, \"to\": 2600},\n"
            "\t\t\t\"text\": \" Hello, caf\xC3\xA9\",\n\t\t\t\"tokens\": [\n"
            "\t\t\t\t{\"text\": \"[_BEG_]\", \"offsets\": {\"from\": 0, \"to\": 0}, \"id\": 50364, \"p\": 0.9, \"t_dtw\": -1},\n"
            "\t\t\t\t{\"text\": \" Hel\", \"offsets\": {\"from\": 600, \"to\": 800}, \"id\": 1, \"p\": nan, \"t_dtw\": -1},\n"
            "\t\t\t\t{\"text\": \"lo,\", \"offsets\": {\"from\": 800, \"to\": 1000}, \"id\": 2, \"p\": 0.9, \"t_dtw\": -1},\n"
            "\t\t\t\t{\"text\": \" caf\xC3\", \"offsets\": {\"from\": 1000, \"to\": 1500}, \"id\": 3, \"p\": 0.9, \"t_dtw\": -1},\n"
            "\t\t\t\t{\"text\": \"\xA9\", \"id\": 4, \"p\": 0.9, \"t_dtw\": -1}\n\t\t\t]\n\t\t}\n\t]\n}\n");
  save_text(target, "whisper",
            "{\"text\": \" Hi there.\", \"segments\": [{\"id\": 0, \"start\": 0.5, \"end\": 5.0, \"text\": \" Hi \\u00e9 "
            "\\ud83d\\ude00 there.\", \"avg_logprob\": NaN, \"words\": [{\"word\": \" Hi\", \"start\": 0.5, \"end\": 1.0, "
            "\"probability\": 0.9}, {\"word\": \" there.\", \"start\": 4.0, \"end\": 5.0, \"probability\": 1e-3}]}], "
            "\"language\": \"en\"}");
  save_text(target, "whisperx",
            "{\"segments\": [{\"start\": NaN, \"end\": 9.5, \"text\": \" in 2024 yes\", \"words\": [{\"word\": \"in\"}, "
            "{\"word\": \"2024\", \"start\": null}, {\"word\": \"yes\", \"start\": 8.0, \"end\": 9.5, \"score\": 0.5}]}], "
            "\"word_segments\": []}");
  save_text(target, "json_malformed", "{\"segments\": [{\"start\": 1, \"end\": -Infinity, \"text\": [\"\\ud800\"]}");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s test/fuzz/corpus\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  safetensors_seeds();
  zip_pickle_seeds();
  npz_seeds();
  rttm_seeds();
  audio_seeds();
  onnx_seeds();
  transcript_seeds();
  return 0;
}
