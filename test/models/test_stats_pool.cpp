// StatsPool pieces alone: the mask resize against upstream's F.interpolate output, and the weighted
// statistics against a direct float64 evaluation of the formula.
#include "models/torch_test_util.h"  // first: see the note on CHECK there

#include <string>

#include "formats/safetensors.h"
#include "nets/stats_pool.h"
#include "test_support.h"

using namespace diarize;

TEST_CASE("stats pool resizes 589-frame masks to 125 frames as F.interpolate(nearest) does", "[stats_pool]") {
  const auto golden = read_safetensors(test::shared_path("reference/fbank_embedding_sample.safetensors"));
  for (const std::string mask : {"ones", "half", "realistic", "zeros"}) {
    const at::Tensor full = test::to_tensor(golden.at("mask_" + mask)).unsqueeze(1);  // [3, 1, 589]
    const at::Tensor expected = test::to_tensor(golden.at("mask_" + mask + "_resized")).unsqueeze(1);
    CAPTURE(mask);
    // Exact: nearest interpolation copies values.
    CHECK(at::equal(resize_weights(full, 125), expected));
  }
  // Source index floor(dst · 589/125), e.g. dst 1 → 4, dst 124 → 584.
  const at::Tensor ramp = at::arange(589, at::kFloat).view({1, 1, 589});
  const at::Tensor resized = resize_weights(ramp, 125);
  CHECK(resized[0][0][1].item<float>() == 4.0f);
  CHECK(resized[0][0][124].item<float>() == 584.0f);
  CHECK(at::equal(resize_weights(ramp, 589), ramp));
}

TEST_CASE("weighted stats pool follows pyannote's formula", "[stats_pool]") {
  at::manual_seed(0);
  const at::Tensor x = at::rand({2, 5, 7}, at::kDouble) * 3.0;
  const at::Tensor w = at::rand({2, 3, 7}, at::kDouble);
  const at::Tensor pooled = weighted_stats_pool(x.to(at::kFloat), w.to(at::kFloat));
  REQUIRE(pooled.sizes() == at::IntArrayRef({2, 3, 10}));
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t s = 0; s < 3; ++s) {
      const at::Tensor ws = w[b][s];
      const at::Tensor v1 = ws.sum() + 1e-8;
      const at::Tensor mean = (x[b] * ws).sum(-1) / v1;
      const at::Tensor var = ((x[b] - mean.unsqueeze(-1)).square() * ws).sum(-1) / (v1 - ws.square().sum() / v1 + 1e-8);
      // float32 evaluation of O(1) values over 7 frames: 1e-5 absolute is rounding only.
      CHECK(test::max_abs_diff(pooled[b][s], at::cat({mean, var.sqrt()})) < 1e-5);
    }
  }
  // An all-zero mask gives zeros, not NaN; no mask gives the unbiased std.
  CHECK(at::equal(weighted_stats_pool(x.to(at::kFloat), at::zeros({2, 1, 7})), at::zeros({2, 1, 10})));
  const at::Tensor plain = stats_pool(x.to(at::kFloat));
  CHECK(test::max_abs_diff(plain.narrow(1, 5, 5), at::std(x, {-1}, /*unbiased=*/true, false)) < 1e-5);
  CHECK_THROWS_WITH(weighted_stats_pool(x, at::ones({3, 1, 7})), Catch::Contains("batch size"));
}
