// The refinement pass: members re-labelled by likelihood, distinct clusters within a chunk.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "pipeline/builtin_refinement.h"

using namespace diarize;

namespace {

constexpr int kDim = 4;

// Frames 0..199 come from voice A (mean +2 on every axis), 200..399 from voice B (mean -2), with
// small deterministic jitter so the covariances are full rank.
FeatureMatrix two_voices() {
  FeatureMatrix f;
  f.num_frames = 400;
  f.dim = kDim;
  f.frame_shift_s = 0.01;
  f.frame_length_s = 0.025;
  uint64_t state = 99;
  for (int t = 0; t < f.num_frames; ++t)
    for (int d = 0; d < kDim; ++d) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const double jitter = static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
      f.values.push_back(static_cast<float>((t < 200 ? 2.0 : -2.0) + jitter));
    }
  return f;
}

GaussianStats model_of(const FeatureMatrix& f, int first, int end) {
  GaussianStats g(f.dim);
  for (int t = first; t < end; ++t) g.add(f.row(t));
  return g;
}

// One chunk covering all 400 frames: local 0 speaks frames [0, 200), local 1 [200, 400).
ChunkActivity one_chunk() {
  ChunkActivity a;
  a.num_chunks = 1;
  a.num_local = 3;
  a.num_feature_frames = 400;
  a.first_frame = {0};
  a.end_frame = {400};
  a.masks.assign(1, std::vector<uint8_t>(400));
  for (int t = 0; t < 400; ++t) a.masks[0][t] = t < 200 ? 1 : 2;
  return a;
}

}  // namespace

TEST_CASE("refinement moves members to the cluster that explains their frames", "[builtin]") {
  const FeatureMatrix f = two_voices();
  const std::vector<GaussianStats> clusters = {model_of(f, 0, 200), model_of(f, 200, 400)};
  // Mislabelled: A's member in cluster 1 and B's in cluster 0. Both move, staying distinct.
  std::vector<int> hard = {1, 0, -2};
  CHECK(refine_member_clusters(f, one_chunk(), clusters, RefinementConfig{}, hard) == 2);
  CHECK(hard == std::vector<int>{0, 1, -2});
}

TEST_CASE("refinement keeps members of one chunk in distinct clusters", "[builtin]") {
  const FeatureMatrix f = two_voices();
  // Both cluster models look like voice A; B's member must still not join A's cluster.
  const std::vector<GaussianStats> clusters = {model_of(f, 0, 200), model_of(f, 0, 150)};
  std::vector<int> hard = {0, 1, -2};
  refine_member_clusters(f, one_chunk(), clusters, RefinementConfig{}, hard);
  CHECK(hard[0] != hard[1]);
  CHECK(hard[2] == -2);
}

TEST_CASE("refinement leaves members with too little evidence, and can be switched off", "[builtin]") {
  const FeatureMatrix f = two_voices();
  const std::vector<GaussianStats> clusters = {model_of(f, 0, 200), model_of(f, 200, 400)};
  RefinementConfig strict;
  strict.min_member_frames = 500;  // more than any member has
  std::vector<int> hard = {1, 0, -2};
  CHECK(refine_member_clusters(f, one_chunk(), clusters, strict, hard) == 0);
  CHECK(hard == std::vector<int>{1, 0, -2});
  RefinementConfig off;
  off.enabled = false;
  CHECK(refine_member_clusters(f, one_chunk(), clusters, off, hard) == 0);
}
