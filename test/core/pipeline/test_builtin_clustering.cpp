// The built-in clustering rule (PLDA agglomeration with cannot-links) on synthetic tracks whose
// true speakers are known, including 6 and 7 speakers.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "pipeline/builtin_clustering.h"
#include "pipeline/splitmix_random.h"
#include "synthetic_plda.h"

using namespace diarize;

namespace {

constexpr int kDim = 19;

// Deterministic normal samples (splitmix64 + Box-Muller), identical on every platform.
struct Normal {
  SplitMixRandom random;
  double uniform() { return random.uniform(0.0, 1.0) + 1e-12; }
  double next() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2 * M_PI * uniform()); }
};

// A "speaker": unit noise around a mean 6 standard deviations out on three axes of its own (two
// speakers share at most one axis).
std::vector<double> speaker_mean(int k) {
  std::vector<double> m(kDim, 0.0);
  for (int axis : {k, k + 7, k + 14}) m[axis % kDim] += 6.0;
  return m;
}

const BuiltinPlda& synthetic_plda() {
  static const BuiltinPlda plda = test::synthetic_plda(kDim);
  return plda;
}

GaussianStats sample_track(int speaker, int frames, Normal& rng) {
  GaussianStats s(kDim);
  const std::vector<double> mean = speaker_mean(speaker);
  std::vector<float> x(kDim);
  for (int t = 0; t < frames; ++t) {
    for (int d = 0; d < kDim; ++d) x[d] = static_cast<float>(mean[d] + rng.next());
    s.add(x.data());
  }
  return s;
}

struct Problem {
  std::vector<GaussianStats> stats;
  std::vector<std::vector<int>> chunks;
  std::vector<int> truth;
  void add(int speaker, int frames, std::vector<int> track_chunks, Normal& rng) {
    stats.push_back(sample_track(speaker, frames, rng));
    chunks.push_back(std::move(track_chunks));
    truth.push_back(speaker);
  }
  std::vector<int> run(const SpeakerBounds& bounds = {}) const {
    return cluster_tracks(stats, stats, chunks, bounds, synthetic_plda(), TrackClusteringConfig{});
  }
};

// Same partition up to renaming.
bool same_partition(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a.size(); ++j)
      if ((a[i] == a[j]) != (b[i] == b[j])) return false;
  return true;
}

int count_clusters(const std::vector<int>& labels) {
  int k = 0;
  for (int l : labels) k = std::max(k, l + 1);
  return k;
}

// `speakers` speakers with 3 tracks of 5 s each, in disjoint chunks (no cannot-links).
Problem separated_tracks(int speakers, uint64_t seed) {
  Problem p;
  Normal rng{seed};
  int chunk = 0;
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < speakers; ++k) {
      p.add(k, 500, {chunk, chunk + 1}, rng);
      chunk += 2;
    }
  return p;
}

}  // namespace

TEST_CASE("the number of speakers follows the data, from 1 to 7, without a threshold", "[builtin]") {
  for (int speakers : {1, 2, 3, 6, 7}) {
    const Problem p = separated_tracks(speakers, 100 + speakers);
    const std::vector<int> labels = p.run();
    INFO(speakers << " speakers");
    CHECK(count_clusters(labels) == speakers);
    CHECK(same_partition(labels, p.truth));
  }
}

TEST_CASE("clusters are numbered by first appearance", "[builtin]") {
  const Problem p = separated_tracks(3, 11);
  CHECK(p.run() == std::vector<int>{0, 1, 2, 0, 1, 2, 0, 1, 2});
}

TEST_CASE("num, min and max speakers override the estimate", "[builtin]") {
  const Problem p = separated_tracks(4, 21);
  CHECK(count_clusters(p.run({2, 0, 0})) == 2);
  CHECK(count_clusters(p.run({0, 0, 3})) == 3);
  CHECK(count_clusters(p.run({0, 6, 0})) == 6);
  CHECK(count_clusters(p.run({0, 2, 5})) == 4);  // the estimate is inside the bounds
  CHECK(count_clusters(p.run({0, 0, 1})) == 1);
}

TEST_CASE("two tracks of one voice that share a chunk are kept apart (cannot-link)", "[builtin]") {
  Problem p;
  Normal rng{31};
  p.add(0, 1500, {0, 1, 2}, rng);
  p.add(0, 1500, {2, 3}, rng);  // same voice, but both are local speakers of chunk 2
  p.add(1, 1500, {5, 6}, rng);
  const std::vector<int> labels = p.run();
  CHECK(labels[0] != labels[1]);
  CHECK(count_clusters(labels) == 3);
  // Without the cannot-link rule they merge.
  TrackClusteringConfig free;
  free.use_cannot_links = false;
  const std::vector<int> merged = cluster_tracks(p.stats, p.stats, p.chunks, {}, synthetic_plda(), free);
  CHECK(merged[0] == merged[1]);
  CHECK(merged[0] != merged[2]);
}

TEST_CASE("short tracks join the speaker that explains them, or open a new one when they share a chunk with every speaker", "[builtin]") {
  Problem p;
  Normal rng{41};
  p.add(0, 1500, {0, 1, 2}, rng);
  p.add(1, 1500, {10, 11, 12}, rng);
  p.add(1, 30, {20}, rng);      // short, free to join: goes to speaker 1
  p.add(2, 30, {2, 12}, rng);   // short, beside both speakers: someone new
  const std::vector<int> labels = p.run();
  CHECK(labels == std::vector<int>{0, 1, 1, 2});
  // max_speakers forbids the new cluster: it then joins its best match anyway.
  CHECK(count_clusters(p.run({0, 0, 2})) == 2);
}

TEST_CASE("no track long enough, or no tracks: everything is one speaker", "[builtin]") {
  Problem p;
  Normal rng{51};
  p.add(0, 20, {0}, rng);
  p.add(1, 20, {5}, rng);
  CHECK(p.run() == std::vector<int>{0, 0});
  CHECK(cluster_tracks({}, {}, {}, {}, synthetic_plda(), {}).empty());
  CHECK_THROWS_AS(cluster_tracks(p.stats, {}, p.chunks, {}, synthetic_plda(), {}), std::invalid_argument);
}

TEST_CASE("a count asked from above overrules the cannot-links", "[builtin][count]") {
  Problem p;
  Normal rng{61};
  p.add(0, 1500, {0, 1, 2}, rng);
  p.add(1, 1500, {2, 3}, rng);  // beside speaker 0 in chunk 2
  p.add(2, 1500, {3, 4}, rng);  // beside speaker 1 in chunk 3
  CHECK(count_clusters(p.run()) == 3);
  CHECK(count_clusters(p.run({2, 0, 0})) == 2);
  CHECK(count_clusters(p.run({0, 0, 1})) == 1);
}
