// segmentation-3.0 ONNX → pyannote state dict, compared with reference/segmentation_weights.safetensors.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "formats/onnx_model.h"
#include "formats/safetensors.h"
#include "import/segmentation_onnx_import.h"
#include "test_support.h"

using namespace diarize;

namespace {

// Largest |a − b| over all tensors; also checks that names, shapes and dtypes agree and that every
// tensor is bit-identical.
double max_difference(const std::vector<TensorData>& imported, const SafetensorsFile& reference) {
  REQUIRE(imported.size() == reference.tensors.size());
  double worst = 0.0;
  for (const TensorData& t : imported) {
    INFO("tensor " << t.name);
    const TensorData* r = reference.find(t.name);
    REQUIRE(r);
    CHECK(t.dtype == DType::F32);
    REQUIRE(t.shape == r->shape);
    const auto a = t.to_f32(), b = r->to_f32();
    double tensor_worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) tensor_worst = std::max(tensor_worst, double(std::fabs(a[i] - b[i])));
    CHECK(tensor_worst == 0.0);
    worst = std::max(worst, tensor_worst);
  }
  return worst;
}

}  // namespace

// Tolerance 0 for both files. int8: the reference *is* this dequantization ((q − zp)·scale, one
// float32 multiply per value) followed by the gate reorder and transposes, which move values without
// rounding. fp32: exported from the reference weights, so only the layout changes. n_ is recomputed
// with the reference's rounding.
TEST_CASE("ONNX import equals the reference state dict bit for bit", "[onnx][import]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  for (const char* onnx : {"models/segmentation-3.0.int8.onnx", "reference/segmentation-3.0.fp32.onnx"}) {
    INFO(onnx);
    const double worst = max_difference(segmentation_state_dict_from_onnx(read_onnx(test::shared_path(onnx))), reference);
    WARN(onnx << ": max |imported − reference| = " << worst);
    CHECK(worst == 0.0);
  }
}

TEST_CASE("SincNet n_ is recomputed bit-exactly", "[onnx][import]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  const TensorData n = sincnet_n_buffer(251, 16000, "n_");
  CHECK(n.shape == std::vector<int64_t>{1, 125});
  // The reference buffer is the contract: bit-exact (tolerance 0).
  CHECK(n.to_f32() == reference.at("sincnet.conv1d.0.filterbank.n_").to_f32());
}

TEST_CASE("ONNX import rejects a model that is not PyanNet", "[onnx][import]") {
  // A valid ONNX model of a different network: drop every LSTM node from the real one.
  OnnxModel m = read_onnx(test::shared_path("reference/segmentation-3.0.fp32.onnx"));
  std::vector<OnnxNode> kept;
  for (auto& n : m.graph.nodes)
    if (n.op_type != "LSTM") kept.push_back(n);
  m.graph.nodes = kept;
  CHECK_THROWS_WITH(segmentation_state_dict_from_onnx(m), Catch::Contains("expected 4 LSTM layers, found 0"));

  OnnxModel wrong_shape = read_onnx(test::shared_path("reference/segmentation-3.0.fp32.onnx"));
  for (auto& t : wrong_shape.graph.initializers)
    if (t.name == "classifier.bias") {
      t.shape = {6};
      t.bytes.resize(24);
    }
  CHECK_THROWS_WITH(segmentation_state_dict_from_onnx(wrong_shape), Catch::Contains("classifier.bias"));
}

namespace {

TensorData* find_initializer(OnnxModel& m, const std::string& name) {
  for (auto& t : m.graph.initializers)
    if (t.name == name) return &t;
  FAIL("initializer " << name << " missing");
  return nullptr;
}

// Replaces a per-tensor (or per-direction) scale/zero point by a per-channel one of `shape`, with
// scale value(channel) = base · factor(channel).
template <typename Factor>
void make_per_channel(OnnxModel& m, const std::string& weight, std::vector<int64_t> shape, Factor factor) {
  TensorData* scale = find_initializer(m, weight + "_scale");
  TensorData* zero = find_initializer(m, weight + "_zero_point");
  const auto base = scale->to_f32();
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const int64_t per_base = n / static_cast<int64_t>(base.size());
  std::vector<float> scales(n);
  TensorData new_zero = *zero;
  new_zero.shape = shape;
  new_zero.bytes.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    scales[i] = base[i / per_base] * factor(i % per_base);
    new_zero.bytes[i] = zero->bytes[i / per_base];
  }
  *scale = TensorData::from_f32(scale->name, shape, scales);
  *zero = new_zero;
}

}  // namespace

TEST_CASE("ONNX import dequantizes per-channel scales on the right axis", "[onnx][import]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  OnnxModel m = read_onnx(test::shared_path("models/segmentation-3.0.int8.onnx"));
  // Conv weight [out=60, in, k]: channel = output channel. Linear weight [in=256, out=128]: channel =
  // output column. LSTM W [dir, in, 4H]: per (direction, column), here with the same value per
  // direction, so the result must equal the per-direction reference exactly.
  auto ramp = [](int64_t c) { return 1.0f + static_cast<float>(c) / 64.0f; };
  make_per_channel(m, "sincnet.conv1d.1.weight", {60}, ramp);
  make_per_channel(m, "onnx::MatMul_915", {128}, ramp);
  make_per_channel(m, "onnx::LSTM_784", {2, 512}, [](int64_t) { return 1.0f; });
  const auto imported = segmentation_state_dict_from_onnx(m);
  std::map<std::string, const TensorData*> by_name;
  for (const auto& t : imported) by_name[t.name] = &t;

  // Expected: reference value of output channel c times ramp(c); one extra float32 rounding, so a
  // relative tolerance of 1e-6 (2^-20, several ulps).
  auto check_scaled = [&](const std::string& name, int64_t channels) {
    INFO(name);
    const auto got = by_name.at(name)->to_f32();
    const auto want = reference.at(name).to_f32();
    const int64_t per_channel = static_cast<int64_t>(want.size()) / channels;
    for (size_t i = 0; i < want.size(); ++i) {
      const float expected = want[i] * ramp(static_cast<int64_t>(i) / per_channel);
      REQUIRE(std::fabs(got[i] - expected) <= 1e-6f * std::max(1.0f, std::fabs(expected)));
    }
  };
  check_scaled("sincnet.conv1d.1.weight", 60);
  check_scaled("linear.0.weight", 128);
  CHECK(by_name.at("lstm.weight_ih_l0")->to_f32() == reference.at("lstm.weight_ih_l0").to_f32());
  CHECK(by_name.at("lstm.weight_ih_l0_reverse")->to_f32() == reference.at("lstm.weight_ih_l0_reverse").to_f32());
}
