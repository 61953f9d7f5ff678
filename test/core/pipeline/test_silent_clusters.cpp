// The built-in path's guarantee that every cluster of an asked-for count gets a turn.
#include <catch2/catch.hpp>

#include <vector>

#include "pipeline/reconstruction.h"
#include "pipeline/silent_clusters.h"

using namespace diarize;

namespace {

// 100 frames of 0.1 s; cluster 0 is active everywhere with weight 9, cluster 1 only in frames
// 40..59, where it peaks at 50 (weight 1 rising to 3).
FrameSeries activations() {
  FrameSeries a;
  a.frames = FrameGrid{0.0, 0.1, 0.1};
  a.num_frames = 100;
  a.num_columns = 2;
  a.values.assign(200, 0.0f);
  for (int f = 0; f < 100; ++f) a.at(f, 0) = 9.0f;
  for (int f = 40; f < 60; ++f) a.at(f, 1) = f == 50 ? 3.0f : (f >= 47 && f <= 53 ? 2.0f : 1.0f);
  return a;
}

bool on(const FrameSeries& b, int f, int k) { return b.at(f, k) > 0.5f; }

}  // namespace

TEST_CASE("a cluster the top-count reconstruction silences takes a short turn around its peak", "[builtin][count]") {
  const FrameSeries a = activations();
  const std::vector<int> count(100, 1);
  FrameSeries binary = discrete_diarization(a, count);
  for (int f = 0; f < 100; ++f) REQUIRE_FALSE(on(binary, f, 1));

  SECTION("at most max_turn_s, centred on the peak, replacing the cluster that was on") {
    CHECK(give_silent_clusters_frames(a, count, 2, SilentClusterRule{0.5, 10.0}, binary) == 1);
    int frames = 0;
    for (int f = 0; f < 100; ++f) {
      frames += on(binary, f, 1);
      CHECK(on(binary, f, 0) != on(binary, f, 1));  // the count (1) is kept
    }
    CHECK(frames == 5);
    for (int f = 48; f <= 52; ++f) CHECK(on(binary, f, 1));
  }
  SECTION("no longer than where its activation is at least half its peak") {
    give_silent_clusters_frames(a, count, 2, SilentClusterRule{5.0, 10.0}, binary);
    for (int f = 0; f < 100; ++f) CHECK(on(binary, f, 1) == (f >= 47 && f <= 53));
  }
  SECTION("frames past the end of the audio do not count, and a rule of 0 s changes nothing") {
    const FrameSeries before = binary;
    CHECK(give_silent_clusters_frames(a, count, 2, SilentClusterRule{0.0, 10.0}, binary) == 0);
    CHECK(binary.values == before.values);
    // The audio ends at 4.5 s: the cluster's peak there is its first active frame, 40.
    give_silent_clusters_frames(a, count, 2, SilentClusterRule{0.3, 4.5}, binary);
    for (int f = 0; f < 100; ++f) CHECK(on(binary, f, 1) == (f >= 40 && f <= 42));
  }
}

TEST_CASE("where nobody speaks the silenced cluster speaks alone; clusters that speak are left alone",
          "[builtin][count]") {
  const FrameSeries a = activations();
  std::vector<int> count(100, 1);
  for (int f = 45; f < 56; ++f) count[f] = 0;
  FrameSeries binary = discrete_diarization(a, count);
  give_silent_clusters_frames(a, count, 2, SilentClusterRule{0.3, 10.0}, binary);
  for (int f = 49; f <= 51; ++f) {
    CHECK(on(binary, f, 1));
    CHECK_FALSE(on(binary, f, 0));
  }
  const FrameSeries given = binary;
  CHECK(give_silent_clusters_frames(a, count, 2, SilentClusterRule{0.3, 10.0}, binary) == 0);
  CHECK(binary.values == given.values);
}
