// `diarize models info / convert` through the real binary, and model discovery's choices.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>

#include "audio_fixtures.h"
#include "formats/safetensors.h"
#include "formats/zip_archive.h"
#include "models/checkpoint_writer.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::string diarize_cmd() { return "'" + test::binary_dir() + "/diarize'"; }

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

}  // namespace

TEST_CASE("models info recognises each format by content", "[cli][models]") {
  struct Case {
    const char* file;
    const char* role;
    const char* format;
  };
  const Case cases[] = {
      {"models/segmentation-3.0.int8.onnx", "segmentation", "ONNX int8"},
      {"reference/segmentation-3.0.fp32.onnx", "segmentation", "ONNX fp32"},
      {"reference/segmentation_weights.safetensors", "segmentation", "safetensors"},
      {"reference/wespeaker_resnet34_random.safetensors", "embedding", "safetensors"},
      {"reference/wespeaker_resnet34_random.onnx", "embedding", "ONNX fp32"},
      {"models/plda/xvec_transform.npz", "plda", "NumPy npz"},
      {"models/plda/plda.npz", "plda", "NumPy npz"},
  };
  for (const Case& c : cases) {
    const auto r = test::run_command(diarize_cmd() + " models info '" + test::shared_path(c.file) + "'");
    INFO(c.file << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(std::string("role:          ") + c.role));
    CHECK_THAT(r.out, Catch::Contains(std::string("format:        ") + c.format));
  }
  const auto bad = test::run_command(diarize_cmd() + " models info '" + test::shared_path("data/pyannote_sample/sample.wav") + "'");
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err, Catch::Contains("not a model file diarize knows"));
}

TEST_CASE("a malformed PLDA file is one line and exit 3", "[cli][models][npz]") {
  // The shared plda.npz with one psi value made negative (the archive is stored, so the bytes are
  // patched in place and the CRC fixed up by rewriting the zip).
  const std::string dir = test::make_temp_dir();
  const std::vector<uint8_t> original = read_binary_file(test::shared_path("models/plda/plda.npz"));
  const ZipArchive zip(original.data(), original.size(), "plda.npz");
  std::vector<test::ZipRecord> records;
  for (const ZipEntry& e : zip.entries()) {
    const ByteView v = zip.read(e);
    test::ZipRecord r;
    r.name = e.name;
    r.bytes.assign(v.data, v.data + v.size);
    if (e.name == "psi.npy") r.bytes[r.bytes.size() - 1] |= 0x80;  // sign bit of the last float64
    records.push_back(std::move(r));
  }
  write_bytes(dir + "/plda.npz", test::write_zip(records));
  const auto r = test::run_command(diarize_cmd() + " models info '" + dir + "/plda.npz'");
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("psi[127]"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("a pyannote-style PyTorch checkpoint is recognised and converts bit for bit", "[cli][models]") {
  // No real pytorch_model.bin can be had here: this one is built like Lightning saves pyannote's
  // (state_dict plus pyannote.audio metadata objects), from the reference weights.
  const std::string dir = test::make_temp_dir();
  const SafetensorsFile reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  write_bytes(dir + "/pytorch_model.bin", test::write_lightning_checkpoint(reference.tensors));

  const auto info = test::run_command(diarize_cmd() + " models info '" + dir + "/pytorch_model.bin'");
  INFO(info.err);
  CHECK(info.exit_code == 0);
  CHECK_THAT(info.out, Catch::Contains("PyTorch checkpoint"));
  CHECK_THAT(info.out, Catch::Contains("PyanNet"));

  const auto convert = test::run_command(diarize_cmd() + " models convert '" + dir + "/pytorch_model.bin' '" + dir +
                                         "/seg.safetensors'");
  INFO(convert.err);
  REQUIRE(convert.exit_code == 0);
  const SafetensorsFile converted = read_safetensors(dir + "/seg.safetensors");
  REQUIRE(converted.tensors.size() == reference.tensors.size());
  for (const TensorData& t : reference.tensors) {
    INFO(t.name);
    CHECK(converted.at(t.name).bytes == t.bytes);
    CHECK(converted.at(t.name).shape == t.shape);
  }
  CHECK(converted.metadata.at("diarize.role") == "segmentation");
}

TEST_CASE("ONNX models convert to the reference state dict", "[cli][models]") {
  const std::string dir = test::make_temp_dir();
  const auto r = test::run_command(diarize_cmd() + " models convert '" +
                                   test::shared_path("models/segmentation-3.0.int8.onnx") + "' '" + dir + "/s.safetensors'");
  REQUIRE(r.exit_code == 0);
  const SafetensorsFile converted = read_safetensors(dir + "/s.safetensors");
  const SafetensorsFile reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  for (const TensorData& t : reference.tensors) {
    INFO(t.name);
    CHECK(converted.at(t.name).bytes == t.bytes);  // the goldens' weights are this dequantisation
  }
}

TEST_CASE("discovery prefers safetensors, then ONNX fp32, then int8, whatever the names", "[cli][models]") {
  const std::string dir = test::make_temp_dir();
  const std::string models = dir + "/models";
  REQUIRE(std::system(("mkdir -p '" + models + "'").c_str()) == 0);
  auto link = [&](const char* shared, const char* name) {
    REQUIRE(std::system(("ln -s '" + test::shared_path(shared) + "' '" + models + "/" + name + "'").c_str()) == 0);
  };
  link("models/segmentation-3.0.int8.onnx", "a.onnx");
  link("reference/segmentation-3.0.fp32.onnx", "b.onnx");
  const std::string audio = dir + "/silence.wav";
  test::write_silence(audio, 16000, 1.0);
  const auto fp32 = test::run_command(diarize_cmd() + " -v --models '" + models + "' '" + audio + "'");
  INFO(fp32.err);
  CHECK(fp32.exit_code == 0);
  CHECK_THAT(fp32.err, Catch::Contains("segmentation: " + models + "/b.onnx (ONNX fp32"));
  link("reference/segmentation_weights.safetensors", "zzz.bin.safetensors");
  link("reference/wespeaker_resnet34_random.onnx", "c.onnx");
  const auto best = test::run_command(diarize_cmd() + " -v --models '" + models + "' '" + audio + "'");
  INFO(best.err);
  CHECK(best.exit_code == 0);
  CHECK_THAT(best.err, Catch::Contains("segmentation: " + models + "/zzz.bin.safetensors (safetensors"));
  CHECK_THAT(best.err, Catch::Contains("embedding: " + models + "/c.onnx (ONNX fp32"));
}

namespace {

// Runs diarize with at most `limit_s` of wall time (a hang fails instead of blocking the suite)
// and, when `memory_kib` > 0, at most that much virtual memory.
test::CommandResult run_bounded(const std::string& arguments, double limit_s, long memory_kib = 0) {
  const std::string limit = memory_kib > 0 ? "ulimit -v " + std::to_string(memory_kib) + "; " : "";
  // The stand-in engine: what is tested here happens before any network would run.
  return test::run_command("sh -c \"" + limit + "exec env DIARIZE_ENGINE_MODULE='" DIARIZE_TEST_ENGINE "' timeout " +
                           std::to_string(limit_s) + " " + diarize_cmd() + " " + arguments + "\"");
}

}  // namespace

TEST_CASE("A FIFO, a folder or a huge file named as a model: one line, exit 3, no hang, no memory", "[cli][models][model-files]") {
  const std::string dir = test::make_temp_dir();
  const std::string wav = dir + "/a.wav";
  test::write_silence(wav, 16000, 1.0);
  const std::string fifo = dir + "/m.onnx";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const std::string big = dir + "/big.onnx";
  { std::ofstream(big) << ""; }
  REQUIRE(::truncate(big.c_str(), off_t(4) << 30) == 0);  // 4 GiB, sparse
  struct Case {
    std::string arguments;
    std::string message;
  };
  const Case cases[] = {
      {"--segmentation '" + fifo + "' '" + wav + "'", "diarize: --segmentation: " + fifo + ": is a FIFO, not a model file\n"},
      {"models info '" + fifo + "'", "diarize: " + fifo + ": is a FIFO, not a model file\n"},
      {"--embedding '" + dir + "' '" + wav + "'", "diarize: --embedding: " + dir + ": is a folder, not a model file\n"},
      {"--segmentation '" + big + "' '" + wav + "'",
       "diarize: --segmentation: " + big + ": 4.0 GiB is larger than any model diarize reads (at most 2048 MiB)\n"},
      {"models info '" + big + "'", "diarize: " + big + ": 4.0 GiB is larger than any model diarize reads (at most 2048 MiB)\n"},
  };
  for (const Case& c : cases) {
    // 1 GiB of address space: reading the 4 GiB file into memory cannot even start.
    const auto r = run_bounded(c.arguments, 20, 1 << 20);
    INFO(c.arguments);
    CHECK(r.exit_code == 3);
    CHECK(r.err == c.message);
  }
}

TEST_CASE("Folder discovery skips a huge file without reading it", "[cli][models][model-files]") {
  const std::string dir = test::make_temp_dir();
  const std::string models = dir + "/models";
  REQUIRE(::mkdir(models.c_str(), 0755) == 0);
  REQUIRE(::symlink(test::shared_path("models/segmentation-3.0.int8.onnx").c_str(), (models + "/b.onnx").c_str()) == 0);
  const std::string big = models + "/a.onnx";
  { std::ofstream(big) << ""; }
  REQUIRE(::truncate(big.c_str(), off_t(4) << 30) == 0);
  // A 900 MB safetensors file with one tensor: its recognition must not copy the tensor.
  const std::string header = R"({"x":{"dtype":"F32","shape":[225000000],"data_offsets":[0,900000000]}})";
  {
    std::ofstream out(models + "/c.safetensors", std::ios::binary);
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>(n >> (8 * i)));
    out << header;
  }
  REQUIRE(::truncate((models + "/c.safetensors").c_str(), off_t(8 + header.size() + 900000000)) == 0);
  const std::string wav = dir + "/a.wav";
  test::write_silence(wav, 16000, 1.0);
  test::write_wav(wav, 16000, 1, std::vector<float>(16000, 0.1f));
  const auto r = run_bounded("-v --embedding builtin --models '" + models + "' '" + wav + "'", 60, 1300 << 10);
  INFO(r.err);
  CHECK_THAT(r.err, Catch::Contains("ignored " + big + ": 4.0 GiB is larger than any model diarize reads"));
  CHECK_THAT(r.err, Catch::Contains("ignored " + models + "/c.safetensors: safetensors file holds neither"));
  CHECK_THAT(r.err, Catch::Contains("segmentation: " + models + "/b.onnx"));
  CHECK(r.exit_code == 0);
}

TEST_CASE("Model errors are one accurate line naming the file", "[cli][models][model-files]") {
  const std::string dir = test::make_temp_dir();
  const std::string wav = dir + "/a.wav";
  test::write_silence(wav, 16000, 1.0);
  // A safetensors file cut short (its first byte, 0x08, is also how ONNX files start).
  const std::vector<uint8_t> bytes = read_binary_file(test::shared_path("reference/wespeaker_resnet34_random.safetensors"));
  write_bytes(dir + "/cut.safetensors", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 1000));
  const auto cut = run_bounded("--embedding '" + dir + "/cut.safetensors' '" + wav + "'", 20);
  CHECK(cut.exit_code == 3);
  CHECK_THAT(cut.err, Catch::StartsWith("diarize: --embedding: " + dir + "/cut.safetensors: not a valid safetensors file: "));
  CHECK(std::count(cut.err.begin(), cut.err.end(), '\n') == 1);
}

TEST_CASE("Real engine: a NaN weight stops the run with exit 3, without a CPU retry", "[cli][models][real-engine][non-finite]") {
  const std::string dir = test::make_temp_dir();
  std::vector<TensorData> tensors = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors")).tensors;
  int64_t numel = 0;
  for (TensorData& t : tensors)
    if (t.name == "lstm.weight_ih_l0") {
      std::vector<float> values = t.to_f32();
      values[7] = std::numeric_limits<float>::quiet_NaN();
      t = TensorData::from_f32(t.name, t.shape, values);
      numel = t.numel();
    }
  REQUIRE(numel > 0);
  write_bytes(dir + "/nan.safetensors", serialize_safetensors(tensors));
  const std::string wav = dir + "/a.wav";
  test::write_wav(wav, 16000, 1, std::vector<float>(16000 * 3, 0.1f));
  const auto r = test::run_command(diarize_cmd() + " --embedding builtin --segmentation '" + dir + "/nan.safetensors' '" +
                                   wav + "' '" + wav + "'");
  CHECK(r.exit_code == 3);
  CHECK(r.err == "diarize: " + dir + "/nan.safetensors: tensor 'lstm.weight_ih_l0' holds 1 NaN or infinite value out of " +
                     std::to_string(numel) + ": the model file is damaged\n");
  CHECK(r.out.empty());
}
