// Nearest-neighbour pre-merging in front of the exact centroid linkage (see the header).
#include "pipeline/bounded_linkage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace diarize {

namespace {

// Squared distance of two float rows; 16 independent partial sums so that -O3 vectorises it.
float squared_distance(const float* a, const float* b, int64_t dim) {
  float partial[16] = {};
  int64_t k = 0;
  for (; k + 16 <= dim; k += 16)
    for (int lane = 0; lane < 16; ++lane) {
      const float d = a[k + lane] - b[k + lane];
      partial[lane] += d * d;
    }
  float sum = 0.0f;
  for (; k < dim; ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  for (const float p : partial) sum += p;
  return sum;
}

// Each cluster's nearest other cluster (first one on ties), from float copies of the centroids: the
// choice only has to be good, the merge heights are computed again in double.
std::vector<int64_t> nearest_neighbours(const std::vector<double>& centroids, int64_t m, int64_t dim) {
  const std::vector<float> rows(centroids.begin(), centroids.begin() + m * dim);
  std::vector<int64_t> nearest(static_cast<size_t>(m), -1);
  std::vector<float> best(static_cast<size_t>(m), std::numeric_limits<float>::infinity());
  for (int64_t i = 0; i < m; ++i) {
    const float* a = &rows[static_cast<size_t>(i * dim)];
    for (int64_t j = i + 1; j < m; ++j) {
      const float d = squared_distance(a, &rows[static_cast<size_t>(j * dim)], dim);
      if (d < best[static_cast<size_t>(i)]) {
        best[static_cast<size_t>(i)] = d;
        nearest[static_cast<size_t>(i)] = j;
      }
      if (d < best[static_cast<size_t>(j)]) {
        best[static_cast<size_t>(j)] = d;
        nearest[static_cast<size_t>(j)] = i;
      }
    }
  }
  return nearest;
}

struct Pair {
  int64_t i = 0, j = 0;  // i < j, positions in the current cluster arrays
  double distance = 0.0;
};

}  // namespace

std::vector<Merge> bounded_centroid_linkage(const std::vector<double>& points, int64_t n, int64_t dim,
                                            int64_t max_exact_points) {
  if (n <= max_exact_points) return centroid_linkage(points, n, dim);
  if (max_exact_points < 2) throw std::invalid_argument("bounded_centroid_linkage: max_exact_points must be >= 2");
  if (static_cast<int64_t>(points.size()) != n * dim) throw std::invalid_argument("bounded_centroid_linkage: bad point array");

  std::vector<double> centroids = points;
  StartingClusters clusters;
  clusters.sizes.assign(static_cast<size_t>(n), 1);
  clusters.ids.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) clusters.ids[static_cast<size_t>(i)] = i;
  clusters.next_id = n;
  std::vector<Merge> merges;
  merges.reserve(static_cast<size_t>(n - 1));

  int64_t m = n;
  while (m > max_exact_points) {
    const std::vector<int64_t> nearest = nearest_neighbours(centroids, m, dim);
    // Each cluster with its nearest neighbour, closest first; a cluster joins at most one merge per
    // round. This greedy matching merges a large share of the clusters each round even where mutual
    // nearest neighbours are rare (hubs in high dimensions).
    std::vector<Pair> candidates;
    for (int64_t i = 0; i < m; ++i) {
      const int64_t j = nearest[static_cast<size_t>(i)];
      if (j < i && nearest[static_cast<size_t>(j)] == i) continue;  // the mutual pair is listed once
      const int64_t a = std::min(i, j), b = std::max(i, j);
      candidates.push_back({a, b, euclidean_distance(&centroids[static_cast<size_t>(a * dim)], &centroids[static_cast<size_t>(b * dim)], dim)});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Pair& x, const Pair& y) { return x.distance < y.distance; });
    std::vector<uint8_t> taken(static_cast<size_t>(m), 0);
    std::vector<Pair> pairs;
    for (const Pair& p : candidates) {
      if (static_cast<int64_t>(pairs.size()) == m - max_exact_points) break;
      if (taken[static_cast<size_t>(p.i)] || taken[static_cast<size_t>(p.j)]) continue;
      taken[static_cast<size_t>(p.i)] = taken[static_cast<size_t>(p.j)] = 1;
      pairs.push_back(p);
    }

    std::vector<uint8_t> dropped(static_cast<size_t>(m), 0);
    for (const Pair& p : pairs) {
      const int64_t si = clusters.sizes[static_cast<size_t>(p.i)], sj = clusters.sizes[static_cast<size_t>(p.j)];
      int64_t id_a = clusters.ids[static_cast<size_t>(p.i)], id_b = clusters.ids[static_cast<size_t>(p.j)];
      if (id_a > id_b) std::swap(id_a, id_b);
      merges.push_back(Merge{id_a, id_b, p.distance, si + sj});
      double* ci = &centroids[static_cast<size_t>(p.i * dim)];
      const double* cj = &centroids[static_cast<size_t>(p.j * dim)];
      for (int64_t k = 0; k < dim; ++k)
        ci[k] = (static_cast<double>(si) * ci[k] + static_cast<double>(sj) * cj[k]) / static_cast<double>(si + sj);
      clusters.sizes[static_cast<size_t>(p.i)] = si + sj;
      clusters.ids[static_cast<size_t>(p.i)] = clusters.next_id++;
      dropped[static_cast<size_t>(p.j)] = 1;
    }
    // Compact, keeping the clusters' order (the exact phase breaks ties by position).
    int64_t kept = 0;
    for (int64_t i = 0; i < m; ++i) {
      if (dropped[static_cast<size_t>(i)]) continue;
      if (kept != i) {
        std::copy_n(&centroids[static_cast<size_t>(i * dim)], dim, &centroids[static_cast<size_t>(kept * dim)]);
        clusters.sizes[static_cast<size_t>(kept)] = clusters.sizes[static_cast<size_t>(i)];
        clusters.ids[static_cast<size_t>(kept)] = clusters.ids[static_cast<size_t>(i)];
      }
      ++kept;
    }
    m = kept;
    centroids.resize(static_cast<size_t>(m * dim));
    clusters.sizes.resize(static_cast<size_t>(m));
    clusters.ids.resize(static_cast<size_t>(m));
  }

  const std::vector<Merge> rest = centroid_linkage(centroids, clusters, dim);
  merges.insert(merges.end(), rest.begin(), rest.end());
  return merges;
}

}  // namespace diarize
