// ONNX wire-format reader: the real segmentation exports, and hostile images.
#include <catch2/catch.hpp>

#include <cstring>

#include "formats/onnx_model.h"
#include "formats/safetensors.h"
#include "test_support.h"

using namespace diarize;

namespace {

// Minimal protobuf writer, just enough to build hostile ModelProto images by hand.
void put_varint(std::vector<uint8_t>& b, uint64_t v) {
  while (v >= 0x80) {
    b.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  b.push_back(static_cast<uint8_t>(v));
}
void put_key(std::vector<uint8_t>& b, uint32_t field, uint32_t wire) { put_varint(b, (uint64_t(field) << 3) | wire); }
void put_bytes(std::vector<uint8_t>& b, uint32_t field, const std::vector<uint8_t>& payload) {
  put_key(b, field, 2);
  put_varint(b, payload.size());
  b.insert(b.end(), payload.begin(), payload.end());
}
std::vector<uint8_t> str(const std::string& s) { return {s.begin(), s.end()}; }

// ModelProto{ir_version=7, graph{initializer=tensor}}.
std::vector<uint8_t> model_with_tensor(const std::vector<uint8_t>& tensor) {
  std::vector<uint8_t> graph, model;
  put_bytes(graph, 5, tensor);
  put_key(model, 1, 0);
  put_varint(model, 7);
  put_bytes(model, 7, graph);
  return model;
}

std::string error_of(const std::vector<uint8_t>& b) {
  try {
    parse_onnx(b.data(), b.size(), "hostile.onnx");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("ONNX reader parses the int8 segmentation model", "[onnx]") {
  const OnnxModel m = read_onnx(test::shared_path("models/segmentation-3.0.int8.onnx"));
  CHECK(m.ir_version == 7);
  CHECK(m.producer_name == "onnx.quantize");
  REQUIRE(m.opset_import.size() == 2);
  CHECK(m.opset_import[0] == std::pair<std::string, int64_t>{"", 13});
  CHECK(m.opset_import[1] == std::pair<std::string, int64_t>{"com.microsoft", 1});
  REQUIRE(m.metadata("num_classes"));
  CHECK(*m.metadata("num_classes") == "7");
  CHECK(*m.metadata("window_size") == "160000");
  CHECK(m.metadata("nope") == nullptr);
  CHECK(m.graph.inputs == std::vector<std::string>{"x"});
  CHECK(m.graph.outputs == std::vector<std::string>{"y"});
  CHECK(m.graph.initializers.size() == 65);  // models/README.md

  const TensorData* w = m.graph.initializer("sincnet.conv1d.1.weight_quantized");
  REQUIRE(w);
  CHECK(w->dtype == DType::U8);
  CHECK(w->shape == std::vector<int64_t>{60, 80, 5});
  CHECK(m.graph.initializer("sincnet.conv1d.1.weight_zero_point")->to_i64()[0] == 147);

  int lstm = 0;
  const OnnxNode* last = nullptr;
  for (const auto& n : m.graph.nodes) {
    if (n.op_type == "DynamicQuantizeLSTM") {
      ++lstm;
      CHECK(n.domain == "com.microsoft");
      CHECK(n.inputs.size() == 12);
      CHECK(n.inputs[4].empty());  // omitted optional input sequence_lens
      REQUIRE(n.attribute("direction"));
      CHECK(n.attribute("direction")->s == "bidirectional");
      CHECK(n.attribute("hidden_size")->i == 128);
    }
    if (n.op_type == "MaxPool") CHECK(n.attribute("kernel_shape")->ints == std::vector<int64_t>{3});
    if (n.op_type == "LeakyRelu") CHECK(n.attribute("alpha")->f == Approx(0.01f));
    if (n.op_type == "If") CHECK(n.attribute("then_branch")->graphs.size() == 1);
    last = &n;
  }
  CHECK(lstm == 4);
  REQUIRE(last);
  CHECK(last->op_type == "LogSoftmax");
  CHECK(last->outputs == std::vector<std::string>{"y"});
}

TEST_CASE("ONNX reader parses the fp32 segmentation export and its Constant tensors", "[onnx]") {
  const OnnxModel m = read_onnx(test::shared_path("reference/segmentation-3.0.fp32.onnx"));
  CHECK(m.producer_name == "pytorch");
  const TensorData* w = m.graph.initializer("sincnet.conv1d.1.weight");
  REQUIRE(w);
  CHECK(w->dtype == DType::F32);
  // The fp32 export carries the same conv weights as the reference state dict, bit for bit
  // (both are the dequantized int8 weights).
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  CHECK(w->to_f32() == reference.at("sincnet.conv1d.1.weight").to_f32());
  int constants = 0;
  for (const auto& n : m.graph.nodes)
    if (n.op_type == "Constant") {
      const OnnxAttribute* value = n.attribute("value");
      REQUIRE(value);
      REQUIRE(value->tensors.size() == 1);
      CHECK(value->tensors[0].bytes.size() == value->tensors[0].numel() * dtype_size(value->tensors[0].dtype));
      ++constants;
    }
  CHECK(constants > 0);
}

TEST_CASE("ONNX reader reads typed (non-raw) tensor fields", "[onnx]") {
  std::vector<uint8_t> floats, ints;
  // float_data packed: dims [2], data_type FLOAT, float_data {1.5, -2}
  put_key(floats, 1, 0); put_varint(floats, 2);
  put_key(floats, 2, 0); put_varint(floats, 1);
  std::vector<uint8_t> packed(8);
  const float values[2] = {1.5f, -2.0f};
  std::memcpy(packed.data(), values, 8);
  put_bytes(floats, 4, packed);
  put_bytes(floats, 8, str("f"));
  // int64_data unpacked, negative values as 10-byte varints: dims [2], INT64, {-3, 5}
  put_key(ints, 1, 0); put_varint(ints, 2);
  put_key(ints, 2, 0); put_varint(ints, 7);
  put_key(ints, 7, 0); put_varint(ints, static_cast<uint64_t>(int64_t{-3}));
  put_key(ints, 7, 0); put_varint(ints, 5);
  put_bytes(ints, 8, str("i"));
  std::vector<uint8_t> graph, model;
  put_bytes(graph, 5, floats);
  put_bytes(graph, 5, ints);
  put_key(model, 1, 0); put_varint(model, 8);
  put_bytes(model, 7, graph);
  const OnnxModel m = parse_onnx(model.data(), model.size(), "typed");
  CHECK(m.graph.initializer("f")->to_f32() == std::vector<float>{1.5f, -2.0f});
  CHECK(m.graph.initializer("i")->to_i64() == std::vector<int64_t>{-3, 5});
}

TEST_CASE("ONNX reader rejects hostile and foreign files with FormatError", "[onnx]") {
  const auto real = read_binary_file(test::shared_path("models/segmentation-3.0.int8.onnx"));

  SECTION("truncated at many points") {
    for (size_t cut : {size_t(1), size_t(2), size_t(5), size_t(100), real.size() / 3, real.size() / 2, real.size() - 1}) {
      INFO("cut at " << cut);
      CHECK_THAT(error_of(std::vector<uint8_t>(real.begin(), real.begin() + cut)), Catch::Contains("not a valid ONNX model"));
    }
  }
  SECTION("empty and wrong magic") {
    CHECK_THAT(error_of({}), Catch::Contains("empty"));
    const auto st = read_binary_file(test::shared_path("reference/segmentation_sample.safetensors"));
    CHECK_THAT(error_of(st), Catch::Contains("not a valid ONNX model"));
    CHECK_THAT(error_of(str("RIFF\x24\x00\x00\x00WAVEfmt ")), Catch::Contains("not a valid ONNX model"));
  }
  SECTION("absurd declared length") {
    std::vector<uint8_t> b;
    put_key(b, 1, 0); put_varint(b, 7);
    put_key(b, 7, 2); put_varint(b, uint64_t(1) << 40);  // a 1 TiB graph in a 10-byte file
    CHECK_THAT(error_of(b), Catch::Contains("exceeds"));
    std::vector<uint8_t> over;
    put_key(over, 1, 0);
    for (int i = 0; i < 11; ++i) over.push_back(0xff);
    CHECK_THAT(error_of(over), Catch::Contains("varint"));
  }
  SECTION("absurd tensor shapes never allocate") {
    std::vector<uint8_t> t;
    put_key(t, 1, 0); put_varint(t, uint64_t(1) << 40);
    put_key(t, 1, 0); put_varint(t, uint64_t(1) << 40);
    put_key(t, 2, 0); put_varint(t, 1);
    CHECK_THAT(error_of(model_with_tensor(t)), Catch::Contains("absurd"));
    std::vector<uint8_t> short_raw;
    put_key(short_raw, 1, 0); put_varint(short_raw, 1000);
    put_key(short_raw, 2, 0); put_varint(short_raw, 1);
    put_bytes(short_raw, 9, {1, 2, 3, 4});
    CHECK_THAT(error_of(model_with_tensor(short_raw)), Catch::Contains("raw_data holds 4 bytes"));
    std::vector<uint8_t> odd_packed;
    put_key(odd_packed, 2, 0); put_varint(odd_packed, 1);
    put_bytes(odd_packed, 4, {1, 2, 3});
    CHECK_THAT(error_of(model_with_tensor(odd_packed)), Catch::Contains("multiple of 4"));
  }
  SECTION("external data and unknown types") {
    std::vector<uint8_t> ext;
    put_key(ext, 2, 0); put_varint(ext, 1);
    put_bytes(ext, 8, str("w"));
    put_key(ext, 14, 0); put_varint(ext, 1);
    CHECK_THAT(error_of(model_with_tensor(ext)), Catch::Contains("external file"));
    std::vector<uint8_t> strings;
    put_key(strings, 2, 0); put_varint(strings, 8);
    put_bytes(strings, 6, str("hello"));
    CHECK_THAT(error_of(model_with_tensor(strings)), Catch::Contains("string"));
    std::vector<uint8_t> group;
    put_key(group, 1, 0); put_varint(group, 7);
    put_key(group, 9, 3);
    CHECK_THAT(error_of(group), Catch::Contains("wire type"));
  }
  SECTION("nesting depth is limited") {
    // graph → node → attribute g → graph → ... 40 levels deep.
    std::vector<uint8_t> graph;
    for (int level = 0; level < 40; ++level) {
      std::vector<uint8_t> attribute, node, outer;
      put_bytes(attribute, 6, graph);
      put_bytes(node, 5, attribute);
      put_bytes(outer, 1, node);
      graph = outer;
    }
    std::vector<uint8_t> model;
    put_key(model, 1, 0); put_varint(model, 7);
    put_bytes(model, 7, graph);
    CHECK_THAT(error_of(model), Catch::Contains("nested deeper"));
  }
  SECTION("an initializer given twice") {
    std::vector<uint8_t> tensor, graph, model;
    put_key(tensor, 1, 0); put_varint(tensor, 1);
    put_key(tensor, 2, 0); put_varint(tensor, 1);
    put_bytes(tensor, 8, str("w"));
    put_bytes(tensor, 9, {0, 0, 0x80, 0x3f});
    put_bytes(graph, 5, tensor);
    put_bytes(graph, 5, tensor);
    put_key(model, 1, 0); put_varint(model, 7);
    put_bytes(model, 7, graph);
    CHECK(error_of(model) == "hostile.onnx: not a valid ONNX model: initializer 'w' appears twice");
  }
  SECTION("a protobuf that is not a model") {
    std::vector<uint8_t> b;
    put_bytes(b, 2, str("producer only"));
    CHECK_THAT(error_of(b), Catch::Contains("no ir_version"));
  }
}
