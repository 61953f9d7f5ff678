// delta-BIC (the track split's change test) and Gaussian log-likelihoods on synthetic frames.
#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <vector>

#include "pipeline/builtin_delta_bic.h"

using namespace diarize;

namespace {

// Unit-variance 19-dimensional frames around `mean` in every dimension.
GaussianStats frames(double mean, int count, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 1.0f);
  GaussianStats s(19);
  std::vector<float> x(19);
  for (int t = 0; t < count; ++t) {
    for (float& v : x) v = static_cast<float>(mean) + noise(rng);
    s.add(x.data());
  }
  return s;
}

}  // namespace

TEST_CASE("delta-BIC is negative for two halves of one voice and positive for two voices", "[builtin]") {
  std::mt19937 rng(7);
  const GaussianStats a1 = frames(0.0, 1500, rng), a2 = frames(0.0, 1500, rng), b = frames(1.5, 1500, rng);
  const DeltaBicConfig config;
  CHECK(delta_bic(a1, a2, config) < 0.0);
  CHECK(delta_bic(a1, b, config) > 0.0);
  // The per-side cap: ten times the evidence gives the same verdict, not a ten times larger one.
  GaussianStats a10 = a1, b10 = b;
  for (int i = 0; i < 9; ++i) { a10.merge(a1); b10.merge(b); }
  CHECK(delta_bic(a10, b10, config) == Approx(delta_bic(a1, b, config)).epsilon(0.02));
}

TEST_CASE("frames are likelier under their own voice's Gaussian", "[builtin]") {
  std::mt19937 rng(9);
  const GaussianStats a = frames(0.0, 800, rng), b = frames(1.5, 800, rng), probe = frames(0.0, 100, rng);
  CHECK(mean_log_likelihood(probe, a, 1e-3) > mean_log_likelihood(probe, b, 1e-3));
  CHECK(mean_log_likelihood(GaussianStats(19), a, 1e-3) == -std::numeric_limits<double>::infinity());
}
