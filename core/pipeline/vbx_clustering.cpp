// VBxClustering of pyannote.audio 4.0.7 (pipelines/clustering.py), step by step.
#include "pipeline/vbx_clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "pipeline/bounded_linkage.h"
#include "pipeline/hierarchy.h"
#include "pipeline/linear_sum_assignment.h"
#include "pipeline/upstream_arithmetic.h"

namespace diarize {

namespace {

// filter_embeddings: pairs whose speaker is the only active one in at least `ratio` of the
// chunk's frames, and whose embedding has no NaN; row-major (np.where order).
void filter_training_pairs(const ChunkFrames& seg, const std::vector<float>& embeddings, int64_t dim, double ratio,
                           VbxClusteringResult& r) {
  const double min_frames = ratio * static_cast<double>(seg.num_frames);
  for (int64_t c = 0; c < seg.num_chunks; ++c) {
    std::vector<float> clean(static_cast<size_t>(seg.num_columns), 0.0f);
    for (int64_t f = 0; f < seg.num_frames; ++f) {
      float active = 0.0f;
      for (int64_t s = 0; s < seg.num_columns; ++s) active += seg.at(c, f, s);
      if (active != 1.0f) continue;
      for (int64_t s = 0; s < seg.num_columns; ++s) clean[static_cast<size_t>(s)] += seg.at(c, f, s);
    }
    for (int64_t s = 0; s < seg.num_columns; ++s) {
      if (!(static_cast<double>(clean[static_cast<size_t>(s)]) >= min_frames)) continue;
      const float* e = &embeddings[static_cast<size_t>((c * seg.num_columns + s) * dim)];
      if (std::any_of(e, e + dim, [](float v) { return std::isnan(v); })) continue;
      r.train_chunks.push_back(c);
      r.train_speakers.push_back(s);
    }
  }
}

// np.unique(labels, return_inverse=True)[1]: labels renumbered 0.. in sorted order.
std::vector<int64_t> dense_labels(const std::vector<int64_t>& labels) {
  std::vector<int64_t> values = labels;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<int64_t> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i)
    out[i] = std::lower_bound(values.begin(), values.end(), labels[i]) - values.begin();
  return out;
}

// The bound on VBx's N × K0: unite the flat clusters further along the dendrogram (merges in their
// order, the closest first) until at most `target` remain. Only runs above max_exact_vbx_embeddings.
std::vector<int64_t> coarsen(const std::vector<int64_t>& labels, const std::vector<Merge>& dendrogram, int64_t target) {
  const int64_t n = static_cast<int64_t>(labels.size());
  int64_t count = *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<int64_t> parent(static_cast<size_t>(count));
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int64_t x) {
    while (parent[static_cast<size_t>(x)] != x) x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    return x;
  };
  // Any observation of each dendrogram cluster stands for it.
  std::vector<int64_t> member(static_cast<size_t>(2 * n - 1));
  std::iota(member.begin(), member.begin() + n, 0);
  for (size_t m = 0; m < dendrogram.size() && count > target; ++m) {
    const int64_t left = member[static_cast<size_t>(dendrogram[m].left)];
    member[static_cast<size_t>(n + static_cast<int64_t>(m))] = left;
    const int64_t a = root(labels[static_cast<size_t>(left)]);
    const int64_t b = root(labels[static_cast<size_t>(member[static_cast<size_t>(dendrogram[m].right)])]);
    if (a == b) continue;
    parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
    --count;
  }
  std::vector<int64_t> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) out[i] = root(labels[i]);
  return dense_labels(out);
}

// set_num_speakers: (num, min, max) with max = "inf" as INT64_MAX; num = min when min == max.
struct Requested {
  int64_t num = 0, min = 1, max = std::numeric_limits<int64_t>::max();
};
Requested requested_speakers(const SpeakerBounds& b) {
  Requested r;
  r.min = b.num_speakers ? b.num_speakers : (b.min_speakers ? b.min_speakers : 1);
  r.max = b.num_speakers ? b.num_speakers : (b.max_speakers ? b.max_speakers : std::numeric_limits<int64_t>::max());
  if (r.min > r.max) throw std::invalid_argument("min_speakers must not exceed max_speakers");
  r.num = b.num_speakers ? b.num_speakers : (r.min == r.max ? r.min : 0);
  return r;
}

}  // namespace

VbxClusteringResult vbx_cluster_embeddings(const ChunkFrames& segmentation, const std::vector<float>& embeddings,
                                           int64_t dim, const SpeakerBounds& bounds, const PldaTransform& plda,
                                           const VbxClusteringConfig& config) {
  const int64_t num_chunks = segmentation.num_chunks, num_speakers = segmentation.num_columns;
  const int64_t num_pairs = num_chunks * num_speakers;
  if (static_cast<int64_t>(embeddings.size()) != num_pairs * dim)
    throw std::invalid_argument("vbx_cluster_embeddings: embeddings must be [chunks, speakers, dim]");
  if (dim != plda.input_dim) throw std::invalid_argument("vbx_cluster_embeddings: embedding and PLDA dimensions differ");
  const Requested requested = requested_speakers(bounds);

  VbxClusteringResult r;
  r.num_chunks = num_chunks;
  r.num_speakers = num_speakers;
  filter_training_pairs(segmentation, embeddings, dim, config.min_active_ratio, r);
  const int64_t n = static_cast<int64_t>(r.train_chunks.size());
  std::vector<float> train(static_cast<size_t>(n * dim));
  for (int64_t i = 0; i < n; ++i)
    std::copy_n(&embeddings[static_cast<size_t>((r.train_chunks[static_cast<size_t>(i)] * num_speakers +
                                                 r.train_speakers[static_cast<size_t>(i)]) * dim)],
                dim, &train[static_cast<size_t>(i * dim)]);

  if (n < 2) {
    // Everything in one cluster whose centroid is the training mean (NaN without training data).
    const std::vector<int64_t> all = n == 1 ? std::vector<int64_t>{0} : std::vector<int64_t>{};
    const std::vector<float> mean = mean_rows_f32(train.data(), dim, all);
    r.early_return = true;
    r.num_clusters = 1;
    r.hard_clusters.assign(static_cast<size_t>(num_pairs), 0);
    r.hard_clusters_int8 = true;
    r.soft_clusters.assign(static_cast<size_t>(num_pairs), 1.0);
    r.centroids.assign(mean.begin(), mean.end());
    return r;
  }

  // AHC on the float32 unit vectors (scipy links them in double), cut at the threshold.
  const std::vector<float> unit = unit_rows_f32(train.data(), n, dim);
  const std::vector<Merge> dendrogram =
      bounded_centroid_linkage(std::vector<double>(unit.begin(), unit.end()), n, dim, config.max_exact_linkage_points);
  std::vector<int64_t> flat;
  for (const int label : fcluster_distance(dendrogram, config.threshold)) flat.push_back(label - 1);
  r.ahc_clusters = dense_labels(flat);
  const int64_t ahc_count = *std::max_element(r.ahc_clusters.begin(), r.ahc_clusters.end()) + 1;
  if (n > config.max_exact_vbx_embeddings && n * ahc_count > config.max_vbx_cells)
    r.ahc_clusters = coarsen(r.ahc_clusters, dendrogram, std::max<int64_t>(1, config.max_vbx_cells / n));

  // VBx in the PLDA space; its kept speakers' responsibilities weight the raw embeddings.
  r.features = plda_features(plda, train.data(), n);
  r.vbx = cluster_vbx(r.ahc_clusters, r.features, plda.lda_dim, plda.phi, config.vbx);
  const int64_t k0 = r.vbx.num_speakers;
  for (int64_t s = 0; s < k0; ++s)
    if (r.vbx.pi[static_cast<size_t>(s)] > config.speaker_prior_floor) r.kept_speakers.push_back(s);
  const int64_t kept = static_cast<int64_t>(r.kept_speakers.size());
  r.vbx_centroids.assign(static_cast<size_t>(kept * dim), 0.0);
  for (int64_t j = 0; j < kept; ++j) {
    const int64_t s = r.kept_speakers[static_cast<size_t>(j)];
    double weight = 0.0;
    double* centroid = &r.vbx_centroids[static_cast<size_t>(j * dim)];
    for (int64_t i = 0; i < n; ++i) {
      const double w = r.vbx.gamma[static_cast<size_t>(i * k0 + s)];
      weight += w;
      for (int64_t d = 0; d < dim; ++d) centroid[d] += w * static_cast<double>(train[static_cast<size_t>(i * dim + d)]);
    }
    for (int64_t d = 0; d < dim; ++d) centroid[d] = centroid[d] / weight;
  }
  r.auto_num_clusters = kept;
  r.centroids = r.vbx_centroids;
  r.num_clusters = kept;

  // KMeans replaces VBx's answer when it misses the requested number of speakers.
  int64_t target = requested.num;
  if (kept < requested.min)
    target = requested.min;
  else if (kept > requested.max)
    target = requested.max;
  if (target > n) {
    // Upstream's KMeans raises here (n_samples < n_clusters); diarize clamps and lets the caller
    // report that fewer speakers were found than asked for.
    target = n;
    r.clamped = true;
  }
  bool constrained = config.constrained_assignment;
  if (target != 0 && target != kept) {
    constrained = false;
    r.kmeans_num_clusters = target;
    r.kmeans = kmeans_fit(unit, n, dim, static_cast<int>(target), config.kmeans);
    r.num_clusters = target;
    r.centroids.clear();
    for (int64_t k = 0; k < target; ++k) {
      std::vector<int64_t> rows;
      for (int64_t i = 0; i < n; ++i)
        if (r.kmeans.labels[static_cast<size_t>(i)] == k) rows.push_back(i);
      const std::vector<float> mean = mean_rows_f32(train.data(), dim, rows);
      r.centroids.insert(r.centroids.end(), mean.begin(), mean.end());
    }
  }

  // soft = 2 - cosine distance to each centroid, for every pair (NaN embeddings give NaN rows).
  const int64_t k = r.num_clusters;
  r.soft_clusters.resize(static_cast<size_t>(num_pairs * k));
  for (int64_t p = 0; p < num_pairs; ++p)
    for (int64_t j = 0; j < k; ++j)
      r.soft_clusters[static_cast<size_t>(p * k + j)] =
          2.0 - cosine_distance(&embeddings[static_cast<size_t>(p * dim)], &r.centroids[static_cast<size_t>(j * dim)], dim);
  r.hard_clusters.assign(static_cast<size_t>(num_pairs), -2);
  r.constrained = constrained;
  r.hard_clusters_int8 = constrained;

  if (!constrained) {
    for (int64_t p = 0; p < num_pairs; ++p)
      r.hard_clusters[static_cast<size_t>(p)] = static_cast<int>(numpy_argmax(&r.soft_clusters[static_cast<size_t>(p * k)], k));
    return r;
  }

  // Inactive speakers score below everything: soft.min() - 1 (NaN as soon as any score is NaN,
  // since np.min propagates it, in which case the rows become NaN).
  double lowest = std::numeric_limits<double>::infinity();
  for (const double v : r.soft_clusters) lowest = std::isnan(v) || std::isnan(lowest) ? NAN : std::min(lowest, v);
  const double inactive_score = lowest - 1.0;
  for (int64_t c = 0; c < num_chunks; ++c)
    for (int64_t s = 0; s < num_speakers; ++s) {
      bool silent = true;
      for (int64_t f = 0; f < segmentation.num_frames && silent; ++f) silent = segmentation.at(c, f, s) == 0.0f;
      if (silent)
        std::fill_n(&r.soft_clusters[static_cast<size_t>((c * num_speakers + s) * k)], k, inactive_score);
    }
  // constrained_argmax: NaN scores count as the lowest finite one, then scipy's assignment per chunk.
  double nan_min = std::numeric_limits<double>::quiet_NaN();
  for (const double v : r.soft_clusters)
    if (!std::isnan(v) && (std::isnan(nan_min) || v < nan_min)) nan_min = v;
  std::vector<double> cost(static_cast<size_t>(num_speakers * k));
  for (int64_t c = 0; c < num_chunks; ++c) {
    for (size_t i = 0; i < cost.size(); ++i) {
      const double v = r.soft_clusters[static_cast<size_t>(c * num_speakers * k) + i];
      cost[i] = std::isnan(v) ? nan_min : v;
    }
    const Assignment pairs = linear_sum_assignment(cost, num_speakers, k, true);
    for (size_t i = 0; i < pairs.rows.size(); ++i)
      r.hard_clusters[static_cast<size_t>(c * num_speakers + pairs.rows[i])] = static_cast<int>(pairs.cols[i]);
  }
  return r;
}

}  // namespace diarize
