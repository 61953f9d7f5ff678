// The built-in embedding end to end through the shared reconstruction: two synthetic "voices"
// with different spectral envelopes, and a segmentation that knows when each speaks.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "pipeline/builtin_diarization.h"
#include "test_support.h"

using namespace diarize;

namespace {

struct Turn {
  double start_s, end_s;
  int voice;
};

const std::vector<Turn> kTurns = {{0.5, 9.5, 0}, {10.0, 19.5, 1}, {20.0, 29.5, 0}};

// Voice 0: low-passed noise; voice 1: high-passed noise (deterministic).
std::vector<float> synthesize() {
  std::vector<float> x(480000, 0.0f);
  uint64_t state = 12345;
  auto white = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
  };
  double low = 0.0, previous = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double w = white();
    low = 0.95 * low + 0.05 * w;
    const double high = w - previous;
    previous = w;
    const double t = i / 16000.0;
    for (const Turn& turn : kTurns)
      if (t >= turn.start_s && t < turn.end_s) x[i] = static_cast<float>(turn.voice == 0 ? 2.0 * low : 0.3 * high);
  }
  return x;
}

ChunkFrames segmentation() {
  ChunkFrames seg(21, 589, 3);
  for (int c = 0; c < 21; ++c)
    for (int j = 0; j < 589; ++j) {
      const double t = c + (j + 0.5) * 10.0 / 589;
      for (const Turn& turn : kTurns)
        if (t >= turn.start_s && t < turn.end_s) seg.at(c, j, turn.voice) = 1.0f;
    }
  return seg;
}

const BuiltinPlda& plda() {
  static const BuiltinPlda shipped = read_builtin_plda(test::builtin_parameters_path(), MfccConfig{});
  return shipped;
}

}  // namespace

TEST_CASE("two voices are told apart and their turns come out of the shared reconstruction", "[builtin]") {
  const std::vector<float> audio = synthesize();
  JobOptions options;
  options.return_centroids = true;
  const Diarization d = diarize_with_builtin_embedding(segmentation(), audio.data(), audio.size(), options, plda());
  REQUIRE(d.labels.size() == 2);
  REQUIRE(d.turns.size() == 3);
  CHECK(d.centroids.size() == 2);
  CHECK(d.centroids[0].size() == static_cast<size_t>(MfccConfig{}.num_cepstra));
  for (size_t i = 0; i < 3; ++i) {
    // Boundaries sit on the 10/589 s frame grid (binarized at frame middles): within 2 frames.
    CHECK(d.turns[i].start_s == Approx(kTurns[i].start_s).margin(0.035));
    CHECK(d.turns[i].end_s == Approx(kTurns[i].end_s).margin(0.035));
  }
  CHECK(d.turns[0].speaker == d.turns[2].speaker);
  CHECK(d.turns[0].speaker != d.turns[1].speaker);
}

TEST_CASE("num_speakers = 1 gives one label; silence gives an empty diarization", "[builtin]") {
  const std::vector<float> audio = synthesize();
  JobOptions one;
  one.num_speakers = 1;
  const Diarization d = diarize_with_builtin_embedding(segmentation(), audio.data(), audio.size(), one, plda());
  CHECK(d.labels.size() == 1);
  const ChunkFrames silent(21, 589, 3);
  CHECK(diarize_with_builtin_embedding(silent, audio.data(), audio.size(), JobOptions{}, plda()).turns.empty());
}

TEST_CASE("a segmentation whose values do not match its shape is refused", "[builtin]") {
  ChunkFrames bad(2, 589, 3);
  bad.values.resize(10);
  const std::vector<float> audio(48000, 0.0f);
  CHECK_THROWS_AS(diarize_with_builtin_embedding(bad, audio.data(), audio.size(), JobOptions{}, plda()), std::invalid_argument);
}
