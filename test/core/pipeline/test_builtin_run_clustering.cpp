// The built-in diarization's second passes on a synthetic discrete diarization: regrouping
// single-speaker runs with the PLDA (and the Bayes-factor gate), and the Viterbi resegmentation.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "pipeline/builtin_resegmentation.h"
#include "pipeline/builtin_run_clustering.h"
#include "synthetic_plda.h"

using namespace diarize;

namespace {

constexpr int kDim = 4;
constexpr double kGridS = 0.1;  // output frames of 0.1 s, 10 feature frames each

struct Segment {
  double start_s, end_s;
  double voice;  // mean of axis 0
};

// 10 ms frames of unit noise, axis 0 shifted by the voice speaking at the frame's centre.
FeatureMatrix features(const std::vector<Segment>& voices, double duration_s) {
  FeatureMatrix f;
  f.dim = kDim;
  f.frame_shift_s = 0.01;
  f.frame_length_s = 0.025;
  f.num_frames = static_cast<int>((duration_s - 0.025) / 0.01) + 1;
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int t = 0; t < f.num_frames; ++t) {
    double shift = 0.0;
    for (const Segment& s : voices)
      if (f.frame_centre_s(t) >= s.start_s && f.frame_centre_s(t) < s.end_s) shift = s.voice;
    for (int d = 0; d < kDim; ++d) f.values.push_back(noise(rng) + (d == 0 ? static_cast<float>(shift) : 0.0f));
  }
  return f;
}

// `columns` columns; each labelled segment puts one speaker on (count 1), elsewhere nobody.
RefinedDiscrete discrete(const std::vector<std::pair<Segment, int>>& on, double duration_s, int columns) {
  RefinedDiscrete d;
  const int frames = static_cast<int>(duration_s / kGridS);
  d.regular.frames = d.activations.frames = FrameGrid{0.0, kGridS, kGridS};
  d.regular.num_frames = d.activations.num_frames = frames;
  d.regular.num_columns = d.activations.num_columns = columns;
  d.regular.values.assign(static_cast<size_t>(frames * columns), 0.0f);
  d.activations.values = d.regular.values;
  d.count.assign(frames, 0);
  d.num_clusters = columns;
  for (const auto& [segment, k] : on)
    for (int f = 0; f < frames; ++f) {
      const double middle = (f + 0.5) * kGridS;
      if (middle < segment.start_s || middle >= segment.end_s) continue;
      d.regular.at(f, k) = 1.0f;
      d.activations.at(f, k) = 5.0f;
      d.count[f] = 1;
    }
  return d;
}

int speaker_at(const RefinedDiscrete& d, double t_s) {
  const int f = static_cast<int>(t_s / kGridS);
  for (int k = 0; k < d.regular.num_columns; ++k)
    if (d.regular.at(f, k) > 0.5f) return k;
  return -1;
}

}  // namespace

TEST_CASE("runs of two voices that one speaker was given are regrouped into two speakers", "[builtin]") {
  const BuiltinPlda plda = test::synthetic_plda(kDim);
  // A talks 0-9 s and 20-29 s, B 10-19 s, all labelled speaker 0 (the segmentation kept one local
  // speaker through the changes); silences between the turns.
  const std::vector<Segment> turns = {{0, 9, 0.0}, {10, 19, 4.0}, {20, 29, 0.0}};
  const FeatureMatrix f = features(turns, 30.0);
  RefinedDiscrete d = discrete({{turns[0], 0}, {turns[1], 0}, {turns[2], 0}}, 30.0, 1);
  const std::vector<int> bounds = feature_frames_of_grid(f, d.regular.frames, d.regular.num_frames);
  REQUIRE(bounds[10] == 99);  // the first frame centred at or after 1 s: 0.99 + 0.0125

  SECTION("the evidence is overwhelming: A keeps the column it had most of, B gets a new one") {
    const double factor = regroup_runs(f, bounds, plda, {}, RunClusteringConfig{}, d);
    CHECK(factor >= RunClusteringConfig{}.min_log_bayes_factor);
    REQUIRE(d.num_clusters == 2);
    CHECK(speaker_at(d, 5.0) == 0);
    CHECK(speaker_at(d, 25.0) == 0);
    CHECK(speaker_at(d, 15.0) == 1);
    CHECK(speaker_at(d, 9.5) == -1);  // silence stays silence
  }
  SECTION("an asked-for count of one keeps them together") {
    regroup_runs(f, bounds, plda, SpeakerBounds{1, 0, 0}, RunClusteringConfig{}, d);
    CHECK(d.num_clusters == 1);
    CHECK(speaker_at(d, 15.0) == 0);
  }
  SECTION("a Bayes factor under the bar changes nothing") {
    RunClusteringConfig strict;
    strict.min_log_bayes_factor = 1e9;
    const FrameSeries before = d.regular;
    CHECK(regroup_runs(f, bounds, plda, {}, strict, d) < strict.min_log_bayes_factor);
    CHECK(d.regular.values == before.values);
    CHECK(d.num_clusters == 1);
  }
}

TEST_CASE("runs the speakers already have right are left as they are", "[builtin]") {
  const BuiltinPlda plda = test::synthetic_plda(kDim);
  const std::vector<Segment> turns = {{0, 9, 0.0}, {10, 19, 4.0}, {20, 29, 0.0}};
  const FeatureMatrix f = features(turns, 30.0);
  RefinedDiscrete d = discrete({{turns[0], 0}, {turns[1], 1}, {turns[2], 0}}, 30.0, 2);
  const FrameSeries before = d.regular;
  regroup_runs(f, feature_frames_of_grid(f, d.regular.frames, d.regular.num_frames), plda, {}, RunClusteringConfig{}, d);
  CHECK(d.num_clusters == 2);
  CHECK(d.regular.values == before.values);
}

TEST_CASE("the resegmentation moves a turn's end to where the voice changes", "[builtin]") {
  // Speaker 0 is on from 0 to 20 s, but B's voice starts at 12 s; speaker 1 (B) talks 21-30 s.
  const FeatureMatrix f = features({{0, 12, 0.0}, {12, 20, 4.0}, {21, 30, 4.0}}, 30.0);
  RefinedDiscrete d = discrete({{{0, 20, 0.0}, 0}, {{21, 30, 4.0}, 1}}, 30.0, 2);
  const BuiltinPlda plda = test::synthetic_plda(kDim);
  const int changed = resegment(f, feature_frames_of_grid(f, d.regular.frames, d.regular.num_frames), plda,
                                ResegmentationConfig{}, d);
  CHECK(changed == Approx(80).margin(3));
  CHECK(speaker_at(d, 11.5) == 0);
  CHECK(speaker_at(d, 12.5) == 1);
  CHECK(speaker_at(d, 19.5) == 1);
  CHECK(speaker_at(d, 25.0) == 1);
  ResegmentationConfig off;
  off.enabled = false;
  CHECK(resegment(f, feature_frames_of_grid(f, d.regular.frames, d.regular.num_frames), plda, off, d) == 0);
}
