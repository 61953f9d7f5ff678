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

TEST_CASE("int8 ONNX import equals the reference dequantized state dict", "[onnx][import]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  const auto imported = segmentation_state_dict_from_onnx(read_onnx(test::shared_path("models/segmentation-3.0.int8.onnx")));
  // The reference *is* this dequantization ((q − zp)·scale, one float32 multiply per value) followed
  // by the gate reorder and transposes, which move values without rounding; n_ is recomputed with
  // the reference's rounding. So the expected difference is exactly 0 (tolerance 0, checked per tensor).
  const double worst = max_difference(imported, reference);
  WARN("int8 import: max |imported − reference| = " << worst);
  CHECK(worst == 0.0);
}

TEST_CASE("fp32 ONNX import equals the reference state dict", "[onnx][import]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  const auto imported = segmentation_state_dict_from_onnx(read_onnx(test::shared_path("reference/segmentation-3.0.fp32.onnx")));
  // Exported from the reference weights; only layout changes (gate order, transposes), so exact
  // equality is expected (tolerance 0).
  const double worst = max_difference(imported, reference);
  WARN("fp32 import: max |imported − reference| = " << worst);
  CHECK(worst == 0.0);
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
