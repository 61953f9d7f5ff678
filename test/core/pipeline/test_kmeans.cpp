// numpy's legacy RandomState stream and scikit-learn 1.2.1 KMeans on small hand-made data (the
// community-1 goldens check both against upstream's recorded seeds, labels and centres).
#include <catch2/catch.hpp>

#include <cmath>

#include "pipeline/kmeans.h"
#include "pipeline/numpy_random.h"

using namespace diarize;

TEST_CASE("numpy RandomState(42): random_sample and randint streams", "[kmeans][random]") {
  // np.random.RandomState(42).random_sample(4)
  LegacyRandomState doubles(42);
  CHECK(doubles.random_sample() == 0.3745401188473625);
  CHECK(doubles.random_sample() == 0.9507143064099162);
  CHECK(doubles.random_sample() == 0.7319939418114051);
  CHECK(doubles.random_sample() == 0.5986584841970366);
  // np.random.RandomState(42).randint(0, 10, 5): masked rejection on the same 32-bit stream.
  LegacyRandomState ints(42);
  std::vector<int64_t> drawn;
  for (int i = 0; i < 5; ++i) drawn.push_back(ints.randint(10));
  CHECK(drawn == std::vector<int64_t>{6, 3, 7, 4, 6});
  LegacyRandomState one(42);
  CHECK(one.randint(1) == 0);  // no draw for a single value
  CHECK(one.random_sample() == 0.3745401188473625);
  CHECK_THROWS_AS(one.randint(0), std::invalid_argument);
}

TEST_CASE("KMeans separates well-separated groups and returns their means", "[kmeans]") {
  // Three tight groups of 2-d points; k = 3 must find them whatever the seeds.
  const std::vector<std::pair<float, float>> centres = {{0.0f, 0.0f}, {10.0f, 0.0f}, {0.0f, 10.0f}};
  std::vector<float> data;
  std::vector<int> group;
  for (int i = 0; i < 30; ++i) {
    const auto [x, y] = centres[static_cast<size_t>(i % 3)];
    data.push_back(x + 0.01f * static_cast<float>(i % 7));
    data.push_back(y - 0.01f * static_cast<float>(i % 5));
    group.push_back(i % 3);
  }
  const KMeansResult r = kmeans_fit(data, 30, 2, 3);
  REQUIRE(r.labels.size() == 30u);
  REQUIRE(r.inits.size() == 3u);
  for (int i = 3; i < 30; ++i) CHECK(r.labels[static_cast<size_t>(i)] == r.labels[static_cast<size_t>(i % 3)]);
  CHECK(r.labels[0] != r.labels[1]);
  CHECK(r.labels[1] != r.labels[2]);
  CHECK(r.labels[0] != r.labels[2]);
  for (int g = 0; g < 3; ++g) {
    double mx = 0.0, my = 0.0;
    for (int i = g; i < 30; i += 3) {
      mx += data[static_cast<size_t>(2 * i)];
      my += data[static_cast<size_t>(2 * i + 1)];
    }
    const int k = r.labels[static_cast<size_t>(g)];
    CHECK(r.centers[static_cast<size_t>(2 * k)] == Approx(mx / 10).margin(1e-5));
    CHECK(r.centers[static_cast<size_t>(2 * k + 1)] == Approx(my / 10).margin(1e-5));
  }
  CHECK(r.inertia < 0.05);  // the groups' own spread (0.018)
  CHECK(kmeans_fit(data, 30, 2, 3).labels == r.labels);  // deterministic (random_state=42)
  CHECK_THROWS_AS(kmeans_fit(data, 30, 2, 31), std::invalid_argument);
}
