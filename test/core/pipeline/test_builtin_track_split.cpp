// Track splitting at voice changes: a delta-BIC change point inside a stitched track.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_statistics.h"
#include "pipeline/builtin_stitching.h"
#include "pipeline/builtin_track_split.h"

using namespace diarize;

namespace {

constexpr double kDurationS = 30.0;
constexpr int kChunks = 21;  // chunks start every 1 s, 10 s long

// One local speaker (column 0) talks through the whole file, so stitching makes one track.
std::vector<float> always_column0() {
  std::vector<float> seg(static_cast<size_t>(kChunks) * 589 * 3, 0.0f);
  for (int c = 0; c < kChunks; ++c)
    for (int j = 0; j < 589; ++j) seg[(static_cast<size_t>(c) * 589 + j) * 3] = 1.0f;
  return seg;
}

// 4-dimensional unit-variance Gaussian frames whose mean moves by `shift` in every dimension
// from `change_s` on (a different voice).
FeatureMatrix features_with_change(double change_s, double shift, int num_frames) {
  FeatureMatrix f;
  f.num_frames = num_frames;
  f.dim = 4;
  f.frame_shift_s = 0.01;
  f.frame_length_s = 0.025;
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int t = 0; t < num_frames; ++t)
    for (int d = 0; d < f.dim; ++d)
      f.values.push_back(noise(rng) + (f.frame_centre_s(t) >= change_s ? static_cast<float>(shift) : 0.0f));
  return f;
}

struct Fixture {
  std::vector<float> seg = always_column0();
  ChunkActivity activity;
  Tracks stitched;
  Fixture() {
    ChunkSegmentation view;
    view.values = seg.data();
    view.num_chunks = kChunks;
    const int frames = static_cast<int>((kDurationS * 16000 - 400) / 160) + 1;
    activity = project_segmentation(view, frames, 0.01, 0.025);
    stitched = stitch_local_speakers(activity, StitchConfig{});
  }
  Tracks split(const FeatureMatrix& f, const TrackSplitConfig& config = {}) const {
    return split_tracks_at_voice_changes(f, activity, stitched, assign_clean_frames(activity, stitched), config);
  }
};

}  // namespace

TEST_CASE("a track whose voice changes is cut at the chunk centred on the change", "[builtin]") {
  Fixture fx;
  REQUIRE(fx.stitched.num_tracks == 1);
  // The change at 15 s is the centre of chunk 10 ([10, 20) s).
  const Tracks tracks = fx.split(features_with_change(15.0, 2.0, fx.activity.num_feature_frames));
  REQUIRE(tracks.num_tracks == 2);
  for (int c = 0; c < kChunks; ++c) {
    CHECK(tracks.track_of[static_cast<size_t>(c) * 3] == (c < 10 ? 0 : 1));
    CHECK(tracks.track_of[static_cast<size_t>(c) * 3 + 1] == -1);
  }
  std::vector<int> left, right;
  for (int c = 0; c < kChunks; ++c) (c < 10 ? left : right).push_back(c);
  CHECK(tracks.chunks[0] == left);
  CHECK(tracks.chunks[1] == right);
}

TEST_CASE("a track of one voice is not cut, nor is any track when splitting is disabled", "[builtin]") {
  Fixture fx;
  const FeatureMatrix same = features_with_change(1e9, 0.0, fx.activity.num_feature_frames);
  const Tracks kept = fx.split(same);
  CHECK(kept.num_tracks == 1);
  CHECK(kept.track_of == fx.stitched.track_of);
  TrackSplitConfig off;
  off.enabled = false;
  const Tracks untouched = fx.split(features_with_change(15.0, 2.0, fx.activity.num_feature_frames), off);
  CHECK(untouched.num_tracks == 1);
  CHECK(untouched.track_of == fx.stitched.track_of);
}

TEST_CASE("each side of a cut needs min_side_frames of clean speech", "[builtin]") {
  Fixture fx;
  // The track has about 3000 clean frames and its change in the middle; cuts happen only at
  // chunk centres, so any cut leaves one side at most about 1500 frames.
  const FeatureMatrix f = features_with_change(15.0, 2.0, fx.activity.num_feature_frames);
  TrackSplitConfig strict;
  strict.min_side_frames = 1600;
  CHECK(fx.split(f, strict).num_tracks == 1);
  strict.min_side_frames = 1400;
  CHECK(fx.split(f, strict).num_tracks == 2);
}

TEST_CASE("a track with two changes is cut twice, in time order", "[builtin]") {
  Fixture fx;
  FeatureMatrix f = features_with_change(10.0, 2.0, fx.activity.num_feature_frames);
  // Back to the first voice from 20 s: A B A.
  for (int t = 0; t < f.num_frames; ++t)
    if (f.frame_centre_s(t) >= 20.0)
      for (int d = 0; d < f.dim; ++d) f.values[static_cast<size_t>(t) * f.dim + d] -= 2.0f;
  const Tracks tracks = fx.split(f);
  REQUIRE(tracks.num_tracks == 3);
  // Chunk c is centred at c + 5 s: the changes at 10 s and 20 s are chunks 5 and 15.
  CHECK(tracks.chunks[0].back() == 4);
  CHECK(tracks.chunks[1].front() == 5);
  CHECK(tracks.chunks[1].back() == 14);
  CHECK(tracks.chunks[2].front() == 15);
}

TEST_CASE("a count asked from above cuts a one-voice track at its eligible members' edges", "[builtin][count]") {
  Fixture fx;
  const FeatureMatrix same = features_with_change(1e9, 0.0, fx.activity.num_feature_frames);
  const std::vector<int> clean = member_clean_frames(fx.activity);
  std::vector<bool> eligible(clean.size());
  for (size_t i = 0; i < clean.size(); ++i) eligible[i] = clean[i] >= 50;
  const std::vector<int> frame_track = assign_clean_frames(fx.activity, fx.stitched);
  SECTION("each new piece is one eligible member at an end of the track, so it risks the least speech") {
    const Tracks tracks = split_tracks_to_count(same, fx.activity, fx.stitched, frame_track, eligible, 3, {});
    REQUIRE(tracks.num_tracks == 3);
    std::vector<size_t> sizes;
    for (const auto& chunks : tracks.chunks) sizes.push_back(chunks.size());
    std::sort(sizes.begin(), sizes.end());
    CHECK(sizes == std::vector<size_t>{1, 1, kChunks - 2});
    // Pieces never share a chunk and keep every member.
    for (int c = 0; c < kChunks; ++c) CHECK(tracks.track_of[static_cast<size_t>(c) * 3] >= 0);
  }
  SECTION("a count already met, or only one eligible member, leaves the tracks as they are") {
    CHECK(split_tracks_to_count(same, fx.activity, fx.stitched, frame_track, eligible, 1, {}).num_tracks == 1);
    std::vector<bool> one(eligible.size(), false);
    one[10 * 3] = true;
    const Tracks kept = split_tracks_to_count(same, fx.activity, fx.stitched, frame_track, one, 4, {});
    CHECK(kept.num_tracks == 1);
    CHECK(kept.track_of == fx.stitched.track_of);
  }
  SECTION("no more pieces than eligible members") {
    std::vector<bool> two(eligible.size(), false);
    two[3 * 3] = two[12 * 3] = true;
    const Tracks tracks = split_tracks_to_count(same, fx.activity, fx.stitched, frame_track, two, 5, {});
    REQUIRE(tracks.num_tracks == 2);
    CHECK(tracks.track_of[3 * 3] != tracks.track_of[12 * 3]);
  }
}
