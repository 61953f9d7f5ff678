// AgglomerativeClustering of pyannote.audio 3.1.1, with numpy's float32 arithmetic where it can
// move a result (normalisation, means) and scipy's double arithmetic elsewhere.
#include "pipeline/clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "pipeline/bounded_linkage.h"
#include "pipeline/hierarchy.h"
#include "pipeline/numpy_argsort.h"
#include "pipeline/upstream_arithmetic.h"

namespace diarize {

namespace {

// Clusters present and their sizes, like np.unique(labels, return_counts=True).
struct UniqueCounts {
  std::vector<int> values;
  std::vector<int64_t> counts;
};
UniqueCounts unique_counts(const std::vector<int>& labels) {
  std::vector<int> sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  UniqueCounts out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i] != sorted[i - 1]) {
      out.values.push_back(sorted[i]);
      out.counts.push_back(0);
    }
    out.counts.back() += 1;
  }
  return out;
}

std::vector<int> flat_clusters(const std::vector<Merge>& linkage, double cutoff) {
  std::vector<int> clusters = fcluster_distance(linkage, cutoff);
  for (int& k : clusters) k -= 1;
  return clusters;
}

int count_large(const UniqueCounts& unique, int64_t min_cluster_size) {
  int large = 0;
  for (const int64_t count : unique.counts)
    if (count >= min_cluster_size) large += 1;
  return large;
}

}  // namespace

ClusterTarget resolve_cluster_target(int64_t num_embeddings, const SpeakerBounds& bounds) {
  const int64_t n = num_embeddings;
  // Python's `a or b or c`: 0 stands for None.
  int64_t min_clusters = bounds.num_speakers ? bounds.num_speakers : (bounds.min_speakers ? bounds.min_speakers : 1);
  min_clusters = std::max<int64_t>(1, std::min(n, min_clusters));
  int64_t max_clusters = bounds.num_speakers ? bounds.num_speakers : (bounds.max_speakers ? bounds.max_speakers : n);
  max_clusters = std::max<int64_t>(1, std::min(n, max_clusters));
  if (min_clusters > max_clusters)
    throw std::invalid_argument("min_speakers (" + std::to_string(min_clusters) + ") must not exceed max_speakers (" +
                                std::to_string(max_clusters) + ")");
  ClusterTarget target;
  target.min_clusters = static_cast<int>(min_clusters);
  target.max_clusters = static_cast<int>(max_clusters);
  if (min_clusters == max_clusters) target.num_clusters = static_cast<int>(min_clusters);
  return target;
}

std::vector<int> agglomerative_cluster(const std::vector<float>& embeddings, int64_t n, int64_t dim,
                                       const ClusterTarget& target, const ClusteringConfig& config) {
  if (n <= 0) return {};
  // min(12, max(1, round(0.1 N))) with Python's round (half to even).
  const int64_t min_cluster_size = std::min<int64_t>(
      config.min_cluster_size, std::max<int64_t>(1, static_cast<int64_t>(std::nearbyint(0.1 * static_cast<double>(n)))));
  if (n == 1) return {0};

  // Unit-normalise a float32 copy (pyannote divides in place, numpy in float32), then link in double.
  const std::vector<float> unit = unit_rows_f32(embeddings.data(), n, dim);
  const std::vector<double> points(unit.begin(), unit.end());
  const std::vector<Merge> dendrogram = bounded_centroid_linkage(points, n, dim, config.max_exact_linkage_points);

  std::vector<int> clusters = flat_clusters(dendrogram, config.threshold);
  UniqueCounts unique = unique_counts(clusters);
  int num_large = count_large(unique, min_cluster_size);

  int num_clusters = target.num_clusters;  // 0 = None
  if (num_large < target.min_clusters)
    num_clusters = target.min_clusters;
  else if (num_large > target.max_clusters)
    num_clusters = target.max_clusters;

  if (num_clusters != 0 && num_large != num_clusters) {
    // Re-cut by merge index instead of height, trying merges in order of |height - threshold|.
    std::vector<Merge> by_index = dendrogram;
    std::vector<double> gap(dendrogram.size());
    for (size_t i = 0; i < dendrogram.size(); ++i) {
      by_index[i].distance = static_cast<double>(i);
      gap[i] = std::fabs(dendrogram[i].distance - config.threshold);
    }
    int64_t best_iteration = n - 1;
    int best_num_large = 1;
    for (const int64_t iteration : numpy_argsort(gap.data(), static_cast<int64_t>(gap.size()))) {
      // Only merges that can create a large cluster change the count.
      if (by_index[static_cast<size_t>(iteration)].size < min_cluster_size) continue;
      clusters = flat_clusters(by_index, static_cast<double>(iteration));
      unique = unique_counts(clusters);
      num_large = count_large(unique, min_cluster_size);
      if (std::abs(num_large - num_clusters) < std::abs(best_num_large - num_clusters)) {
        best_iteration = iteration;
        best_num_large = num_large;
      }
      if (num_large == num_clusters) break;
    }
    if (best_num_large != num_clusters) {
      // Upstream prints "Found only N clusters..." here; the caller sees the count in the result.
      clusters = flat_clusters(by_index, static_cast<double>(best_iteration));
      unique = unique_counts(clusters);
      num_large = count_large(unique, min_cluster_size);
    }
  }

  if (num_large == 0) return std::vector<int>(static_cast<size_t>(n), 0);

  std::vector<int> large, small;
  for (size_t i = 0; i < unique.values.size(); ++i)
    (unique.counts[i] >= min_cluster_size ? large : small).push_back(unique.values[i]);
  if (small.empty()) return clusters;

  // Each small cluster joins the large one whose centroid (of the unit vectors) is closest in cosine.
  auto members = [&](int k) {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < n; ++i)
      if (clusters[static_cast<size_t>(i)] == k) rows.push_back(i);
    return rows;
  };
  std::vector<std::vector<float>> large_centroids, small_centroids;
  for (const int k : large) large_centroids.push_back(mean_rows_f32(unit.data(), dim, members(k)));
  for (const int k : small) small_centroids.push_back(mean_rows_f32(unit.data(), dim, members(k)));
  std::vector<int> target_of_small(small.size());
  for (size_t s = 0; s < small.size(); ++s) {
    size_t best = 0;
    double best_distance = 0.0;
    for (size_t l = 0; l < large.size(); ++l) {
      const double d = cosine_distance(large_centroids[l].data(), small_centroids[s].data(), dim);
      if (l == 0 || d < best_distance) {  // np.argmin: first minimum
        best = l;
        best_distance = d;
      }
    }
    target_of_small[s] = large[best];
  }
  for (size_t s = 0; s < small.size(); ++s)
    for (int& k : clusters)
      if (k == small[s]) k = target_of_small[s];

  // Renumber 0..K-1 in sorted order (np.unique(return_inverse=True)).
  const UniqueCounts kept = unique_counts(clusters);
  for (int& k : clusters)
    k = static_cast<int>(std::lower_bound(kept.values.begin(), kept.values.end(), k) - kept.values.begin());
  return clusters;
}

ClusteringResult cluster_embeddings(const std::vector<float>& embeddings, int64_t num_chunks, int64_t num_speakers,
                                    int64_t dim, const std::vector<uint8_t>& active, const SpeakerBounds& bounds,
                                    const ClusteringConfig& config) {
  const int64_t num_pairs = num_chunks * num_speakers;
  if (static_cast<int64_t>(embeddings.size()) != num_pairs * dim || static_cast<int64_t>(active.size()) != num_pairs)
    throw std::invalid_argument("cluster_embeddings: array sizes do not match [chunks, speakers, dim]");

  // filter_embeddings: active and valid (no NaN), in row-major (chunk, speaker) order.
  std::vector<int64_t> train_pairs;
  for (int64_t p = 0; p < num_pairs; ++p) {
    if (!active[static_cast<size_t>(p)]) continue;
    bool valid = true;
    for (int64_t d = 0; d < dim && valid; ++d) valid = !std::isnan(embeddings[static_cast<size_t>(p * dim + d)]);
    if (valid) train_pairs.push_back(p);
  }
  const int64_t n = static_cast<int64_t>(train_pairs.size());
  std::vector<float> train(static_cast<size_t>(n * dim));
  for (int64_t i = 0; i < n; ++i)
    std::copy_n(&embeddings[static_cast<size_t>(train_pairs[static_cast<size_t>(i)] * dim)], dim,
                &train[static_cast<size_t>(i * dim)]);

  const ClusterTarget target = resolve_cluster_target(n, bounds);
  ClusteringResult result;
  result.num_chunks = num_chunks;
  result.num_speakers = num_speakers;

  std::vector<int64_t> all_rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) all_rows[static_cast<size_t>(i)] = i;

  if (target.max_clusters < 2) {
    // Upstream skips clustering: one cluster, soft score 1 everywhere.
    result.num_clusters = 1;
    result.hard_clusters.assign(static_cast<size_t>(num_pairs), 0);
    result.soft_clusters.assign(static_cast<size_t>(num_pairs), 1.0);
    result.centroids = mean_rows_f32(train.data(), dim, all_rows);
    return result;
  }

  const std::vector<int> train_clusters = agglomerative_cluster(train, n, dim, target, config);
  const int64_t k_count = *std::max_element(train_clusters.begin(), train_clusters.end()) + 1;
  result.num_clusters = k_count;
  result.centroids.reserve(static_cast<size_t>(k_count * dim));
  for (int64_t k = 0; k < k_count; ++k) {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < n; ++i)
      if (train_clusters[static_cast<size_t>(i)] == k) rows.push_back(i);
    const std::vector<float> centroid = mean_rows_f32(train.data(), dim, rows);
    result.centroids.insert(result.centroids.end(), centroid.begin(), centroid.end());
  }

  // assign_embeddings (constrained_assignment=False): argmax of 2 - cosine distance, for every pair.
  result.soft_clusters.resize(static_cast<size_t>(num_pairs * k_count));
  result.hard_clusters.resize(static_cast<size_t>(num_pairs));
  for (int64_t p = 0; p < num_pairs; ++p) {
    double* soft = &result.soft_clusters[static_cast<size_t>(p * k_count)];
    for (int64_t k = 0; k < k_count; ++k)
      soft[k] = 2.0 - cosine_distance(&embeddings[static_cast<size_t>(p * dim)],
                                      &result.centroids[static_cast<size_t>(k * dim)], dim);
    result.hard_clusters[static_cast<size_t>(p)] = static_cast<int>(numpy_argmax(soft, k_count));
  }
  return result;
}

}  // namespace diarize
