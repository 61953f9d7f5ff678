// WeSpeaker ResNet34 trunk and StatsPool embeddings against upstream pyannote 3.1.1 goldens
// (reference/README.md §4, random weights). Tolerances: cosine ≥ 0.99999 and max |Δ| ≤ 1e-3 × the
// golden's max magnitude. 36 float32 conv layers summed in a different order (oneDNN vs upstream's
// call path, batch size) drift by ~1e-6 relative per layer; 1e-3 leaves room for that but not for a
// wrong layout, a missed BN or a wrong mask resize (each of those is off by > 1e-1 relative).
// Measured on Debian's LibTorch 1.13: layer4 bit-identical, embeddings within 1.2e-6 (cosine 1.0); the fast
// path (folded BN, oneDNN): layer4 within 2.1e-5 of max 36, embeddings within 2.7e-6.
#include <string>

#include "models/torch_test_util.h"  // first: see the note on CHECK there

#include "formats/safetensors.h"
#include "nets/fbank.h"
#include "nets/resnet34.h"
#include "nets/torch_threads.h"
#include "test_support.h"

using namespace diarize;

namespace {

struct Fixture {
  SafetensorsFile golden;
  WeSpeakerResNet34 model;
  at::Tensor features;  // trunk output of the three golden crops, shared by every test case

  Fixture() {
    configure_torch_threads(0);
    golden = read_safetensors(test::shared_path("reference/fbank_embedding_sample.safetensors"));
    test::load_weights_by_name(*model,
                               read_safetensors(test::shared_path("reference/wespeaker_resnet34_random.safetensors")));
    c10::InferenceMode inference;
    // The golden fbank isolates the network from the front-end (test_fbank checks that separately).
    features = model->trunk(tensor("fbank_cmn"));
  }
  at::Tensor tensor(const std::string& name) const { return test::to_tensor(golden.at(name)); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void check_embeddings(const at::Tensor& actual, const at::Tensor& expected, const std::string& what) {
  REQUIRE(actual.sizes() == expected.sizes());
  const double cosine = test::min_row_cosine(actual, expected);
  const double error = test::max_abs_diff(actual, expected);
  const double limit = 1e-3 * test::max_abs(expected);
  CAPTURE(what, cosine, error, limit);
  CHECK(cosine >= 0.99999);
  CHECK(error <= limit);
}

}  // namespace

TEST_CASE("resnet34 registers exactly pyannote's state-dict names", "[resnet34]") {
  WeSpeakerResNet34 model;
  const auto params = model->named_parameters();
  const auto buffers = model->named_buffers();
  CHECK(params.size() + buffers.size() == 218);
  CHECK(params.contains("resnet.conv1.weight"));
  CHECK(buffers.contains("resnet.layer3.4.bn2.running_var"));
  CHECK(params.contains("resnet.layer4.0.shortcut.0.weight"));
  CHECK(buffers.contains("resnet.layer2.0.shortcut.1.num_batches_tracked"));
  CHECK_FALSE(params.contains("resnet.layer1.0.shortcut.0.weight"));
  CHECK(params["resnet.seg_1.weight"].sizes() == at::IntArrayRef({256, 5120}));
  CHECK_FALSE(model->is_training());
}

TEST_CASE("resnet34 trunk matches upstream layer4 output", "[resnet34]") {
  Fixture& f = fixture();
  REQUIRE(f.features.sizes() == at::IntArrayRef({3, 2560, 125}));
  // Upstream keeps [B, 256, 10, T']; our features are its channel-major flattening.
  const at::Tensor expected = f.tensor("resnet_layer4_out").reshape({1, 2560, 125});
  const at::Tensor actual = f.features.narrow(0, 0, 1);
  const double error = test::max_abs_diff(actual, expected);
  const double limit = 1e-3 * test::max_abs(expected);
  CAPTURE(error, limit);
  CHECK(error <= limit);
  CHECK(test::min_row_cosine(actual.flatten(), expected.flatten()) >= 0.99999);
}

TEST_CASE("resnet34 embeddings match upstream for every mask", "[resnet34]") {
  Fixture& f = fixture();
  c10::InferenceMode inference;
  check_embeddings(f.model->pool_and_embed(f.features), f.tensor("embedding_nomask"), "nomask");
  for (const std::string mask : {"ones", "half", "realistic", "zeros"}) {
    check_embeddings(f.model->pool_and_embed(f.features, f.tensor("mask_" + mask)), f.tensor("embedding_" + mask), mask);
  }
  // An empty mask pools to zeros, so the embedding is exactly the bias (upstream: no NaN).
  const at::Tensor zeros = f.model->pool_and_embed(f.features, at::zeros({3, 589}));
  CHECK(at::equal(zeros, f.model->resnet->seg_1->bias.unsqueeze(0).expand({3, 256})));
}

TEST_CASE("resnet34 pools several masks from one trunk pass as separate full passes do", "[resnet34]") {
  Fixture& f = fixture();
  c10::InferenceMode inference;
  const at::Tensor masks =
      at::stack({f.tensor("mask_ones"), f.tensor("mask_half"), f.tensor("mask_realistic")}, 1);  // [3, 3, 589]
  const at::Tensor multi = f.model->pool_and_embed(f.features, masks);
  REQUIRE(multi.sizes() == at::IntArrayRef({3, 3, 256}));
  // Each golden is a separate upstream full pass model(waveforms, weights=mask).
  check_embeddings(multi.select(1, 0), f.tensor("embedding_ones"), "multi ones");
  check_embeddings(multi.select(1, 1), f.tensor("embedding_half"), "multi half");
  check_embeddings(multi.select(1, 2), f.tensor("embedding_realistic"), "multi realistic");
  // And our own full pass of crop 1 with the realistic mask: same ops on the same input, so only the
  // batch size differs (conv kernels may block differently) — float32 rounding, 1e-5 relative.
  const at::Tensor single = f.model->forward(f.tensor("fbank_cmn").narrow(0, 1, 1), f.tensor("mask_realistic").narrow(0, 1, 1));
  const at::Tensor from_multi = multi.select(1, 2).narrow(0, 1, 1);
  CHECK(test::max_abs_diff(single, from_multi) <= 1e-5 * test::max_abs(from_multi));
}

TEST_CASE("resnet34 fast inference path (folded BatchNorm, oneDNN layout) matches upstream", "[resnet34]") {
  Fixture& f = fixture();
  WeSpeakerResNet34 fast;
  test::load_weights_by_name(*fast, read_safetensors(test::shared_path("reference/wespeaker_resnet34_random.safetensors")));
  fast->set_fast_inference(true);
  REQUIRE(fast->fast_inference());
  c10::InferenceMode inference;
  const at::Tensor features = fast->trunk(f.tensor("fbank_cmn"));
  REQUIRE(features.sizes() == f.features.sizes());
  const at::Tensor expected = f.tensor("resnet_layer4_out").reshape({1, 2560, 125});
  const double error = test::max_abs_diff(features.narrow(0, 0, 1), expected);
  const double limit = 1e-3 * test::max_abs(expected);
  CAPTURE(error, limit);
  CHECK(error <= limit);
  check_embeddings(fast->pool_and_embed(features), f.tensor("embedding_nomask"), "fast nomask");
  const at::Tensor masks = at::stack({f.tensor("mask_ones"), f.tensor("mask_half"), f.tensor("mask_realistic")}, 1);
  const at::Tensor multi = fast->pool_and_embed(features, masks);
  check_embeddings(multi.select(1, 0), f.tensor("embedding_ones"), "fast ones");
  check_embeddings(multi.select(1, 1), f.tensor("embedding_half"), "fast half");
  check_embeddings(multi.select(1, 2), f.tensor("embedding_realistic"), "fast realistic");
  fast->set_fast_inference(false);
  CHECK_FALSE(fast->fast_inference());
}

TEST_CASE("resnet34 end to end from waveforms matches upstream", "[resnet34]") {
  Fixture& f = fixture();
  c10::InferenceMode inference;
  const at::Tensor fbank = cmn(compute_fbank(f.tensor("waveforms").narrow(0, 2, 1)));
  check_embeddings(f.model->forward(fbank, f.tensor("mask_half").narrow(0, 2, 1)),
                   f.tensor("embedding_half").narrow(0, 2, 1), "waveform → embedding, crop 2");
}

TEST_CASE("resnet34 rejects malformed inputs with clear errors", "[resnet34]") {
  WeSpeakerResNet34 model;
  c10::InferenceMode inference;
  CHECK_THROWS_WITH(model->trunk(at::zeros({1, 100, 40})), Catch::Contains("[batch, frames, 80]"));
  CHECK_THROWS_WITH(model->trunk(at::zeros({1, 0, 80})), Catch::Contains("no frames"));
  CHECK(model->trunk(at::zeros({0, 998, 80})).sizes() == at::IntArrayRef({0, 2560, 125}));
  // Short inputs keep the ceil(T/8) frame count (T = 9 → 5 → 3 → 2).
  CHECK(model->trunk(at::zeros({1, 9, 80})).sizes() == at::IntArrayRef({1, 2560, 2}));
  CHECK_THROWS_WITH(model->pool_and_embed(at::zeros({1, 100, 5})), Catch::Contains("[batch, 2560, frames]"));
  CHECK_THROWS_WITH(model->pool_and_embed(at::zeros({2, 2560, 5}), at::ones({3, 589})), Catch::Contains("batch 2"));
}

#include "import/embedding_model_loader.h"

TEST_CASE("resnet34 loaded from the BatchNorm-folded ONNX export matches upstream (unmasked)", "[resnet34][onnx]") {
  // The ONNX export folds BatchNorm into the convolutions; the importer turns each BatchNorm into an
  // identity that adds the folded bias. Same tolerances as above: the folding reorders float32 sums.
  Fixture& f = fixture();
  WeSpeakerResNet34 from_onnx = load_embedding_model(test::shared_path("reference/wespeaker_resnet34_random.onnx"));
  c10::InferenceMode inference;
  const at::Tensor features = from_onnx->trunk(f.tensor("fbank_cmn"));
  check_embeddings(from_onnx->pool_and_embed(features), f.tensor("embedding_nomask"), "onnx nomask");
  // Masks work on the imported weights too (the ONNX graph itself cannot take them).
  check_embeddings(from_onnx->pool_and_embed(features, f.tensor("mask_realistic")), f.tensor("embedding_realistic"),
                   "onnx realistic");
}
