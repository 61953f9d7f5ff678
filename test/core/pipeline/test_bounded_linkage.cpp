// The memory-bounded centroid linkage: scipy's result up to its limit, a well-formed dendrogram with
// exact centroid heights above it, and the same flat clusters as the exact linkage on separable data.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <set>

#include "pipeline/bounded_linkage.h"
#include "pipeline/hierarchy.h"

using namespace diarize;

namespace {

// `blobs` tight Gaussian clusters of `per_blob` points on random unit directions in `dim` dims.
std::vector<double> blob_points(int blobs, int per_blob, int dim, double spread, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::vector<double>> centres(static_cast<size_t>(blobs), std::vector<double>(static_cast<size_t>(dim)));
  for (auto& c : centres) {
    double norm = 0.0;
    for (double& v : c) {
      v = normal(rng);
      norm += v * v;
    }
    for (double& v : c) v /= std::sqrt(norm);
  }
  std::vector<double> points;
  for (int p = 0; p < per_blob; ++p)  // interleaved, like speakers taking turns
    for (int b = 0; b < blobs; ++b)
      for (int d = 0; d < dim; ++d) points.push_back(centres[static_cast<size_t>(b)][static_cast<size_t>(d)] + spread * normal(rng));
  return points;
}

void require_well_formed(const std::vector<Merge>& Z, int64_t n) {
  REQUIRE(static_cast<int64_t>(Z.size()) == n - 1);
  std::vector<int64_t> size(static_cast<size_t>(2 * n - 1), 1);
  std::set<int64_t> used;
  for (size_t k = 0; k < Z.size(); ++k) {
    REQUIRE(Z[k].left < Z[k].right);
    REQUIRE(Z[k].right < n + static_cast<int64_t>(k));  // children exist before their parent
    REQUIRE(used.insert(Z[k].left).second);
    REQUIRE(used.insert(Z[k].right).second);
    REQUIRE(Z[k].size == size[static_cast<size_t>(Z[k].left)] + size[static_cast<size_t>(Z[k].right)]);
    size[static_cast<size_t>(n + static_cast<int64_t>(k))] = Z[k].size;
  }
  REQUIRE(Z.back().size == n);
}

}  // namespace

TEST_CASE("bounded linkage is scipy's linkage up to its limit", "[pipeline][hierarchy]") {
  const std::vector<double> points = blob_points(3, 20, 8, 0.3, 1);
  const int64_t n = 60;
  const std::vector<Merge> exact = centroid_linkage(points, n, 8);
  const std::vector<Merge> bounded = bounded_centroid_linkage(points, n, 8, n);
  REQUIRE(bounded.size() == exact.size());
  for (size_t k = 0; k < exact.size(); ++k) {
    CHECK(bounded[k].left == exact[k].left);
    CHECK(bounded[k].right == exact[k].right);
    CHECK(bounded[k].distance == exact[k].distance);
  }
}

TEST_CASE("bounded linkage pre-merges into a well-formed dendrogram with centroid heights", "[pipeline][hierarchy]") {
  const int dim = 16;
  const std::vector<double> points = blob_points(4, 60, dim, 0.05, 2);
  const int64_t n = 240;
  const std::vector<Merge> Z = bounded_centroid_linkage(points, n, dim, 50);
  require_well_formed(Z, n);
  // The first merge is the globally closest pair, at its exact Euclidean distance.
  double closest = INFINITY;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) {
      double s = 0.0;
      for (int d = 0; d < dim; ++d) {
        const double x = points[static_cast<size_t>(i * dim + d)] - points[static_cast<size_t>(j * dim + d)];
        s += x * x;
      }
      closest = std::min(closest, std::sqrt(s));
    }
  CHECK(Z[0].distance == Approx(closest).epsilon(1e-12));
  CHECK(Z[0].size == 2);
  // Four well-separated blobs: the same four flat clusters as the exact linkage.
  const std::vector<Merge> exact = centroid_linkage(points, n, dim);
  const std::vector<int> flat_bounded = fcluster_distance(Z, 0.7045654963945799);
  const std::vector<int> flat_exact = fcluster_distance(exact, 0.7045654963945799);
  CHECK(std::set<int>(flat_exact.begin(), flat_exact.end()).size() == 4);
  // Same partition (cluster numbers may differ): i and j together in one iff in the other.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      REQUIRE((flat_bounded[static_cast<size_t>(i)] == flat_bounded[static_cast<size_t>(j)]) ==
              (flat_exact[static_cast<size_t>(i)] == flat_exact[static_cast<size_t>(j)]));
}

TEST_CASE("bounded linkage rejects a limit below two", "[pipeline][hierarchy]") {
  CHECK_THROWS_AS(bounded_centroid_linkage(blob_points(2, 3, 4, 0.1, 3), 6, 4, 1), std::invalid_argument);
}
