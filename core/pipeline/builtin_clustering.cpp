// Delta-BIC agglomerative clustering with cannot-links and speaker-count bounds.
#include "pipeline/builtin_clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "pipeline/builtin_stitching.h"

namespace diarize {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// In-place Cholesky (lower) of a symmetric positive-definite matrix; false if it is not.
bool cholesky(std::vector<double>& a, int d) {
  for (int j = 0; j < d; ++j) {
    double diag = a[static_cast<size_t>(j) * d + j];
    for (int k = 0; k < j; ++k) diag -= a[static_cast<size_t>(j) * d + k] * a[static_cast<size_t>(j) * d + k];
    if (!(diag > 0.0)) return false;
    const double l = std::sqrt(diag);
    a[static_cast<size_t>(j) * d + j] = l;
    for (int i = j + 1; i < d; ++i) {
      double v = a[static_cast<size_t>(i) * d + j];
      for (int k = 0; k < j; ++k) v -= a[static_cast<size_t>(i) * d + k] * a[static_cast<size_t>(j) * d + k];
      a[static_cast<size_t>(i) * d + j] = v / l;
    }
  }
  return true;
}

double log_det_from_cholesky(const std::vector<double>& l, int d) {
  double s = 0.0;
  for (int i = 0; i < d; ++i) s += std::log(l[static_cast<size_t>(i) * d + i]);
  return 2.0 * s;
}

double log_det_covariance(const GaussianStats& stats, double floor) {
  const int d = stats.dim();
  std::vector<double> cov = stats.covariance(floor);
  if (!cholesky(cov, d)) return kInf;
  return log_det_from_cholesky(cov, d);
}

// Solves L L^T x = b in place.
void cholesky_solve(const std::vector<double>& l, int d, std::vector<double>& b) {
  for (int i = 0; i < d; ++i) {
    double v = b[i];
    for (int k = 0; k < i; ++k) v -= l[static_cast<size_t>(i) * d + k] * b[k];
    b[i] = v / l[static_cast<size_t>(i) * d + i];
  }
  for (int i = d - 1; i >= 0; --i) {
    double v = b[i];
    for (int k = i + 1; k < d; ++k) v -= l[static_cast<size_t>(k) * d + i] * b[k];
    b[i] = v / l[static_cast<size_t>(i) * d + i];
  }
}

// The same Gaussian with its evidence scaled down to at most `max_frames` frames. Without this,
// delta-BIC's fit term grows linearly with the amount of speech while the penalty grows with its
// logarithm, so the same two voices that merge in a 30 s file stay apart in a 1 h one.
GaussianStats capped(const GaussianStats& stats, double max_frames) {
  if (max_frames <= 0.0 || stats.count <= max_frames) return stats;
  GaussianStats out = stats;
  const double scale = max_frames / stats.count;
  out.count = max_frames;
  for (double& v : out.sum) v *= scale;
  for (double& v : out.scatter) v *= scale;
  return out;
}

struct Cluster {
  GaussianStats stats;
  std::vector<int> chunks;  // sorted
  bool alive = true;
};

}  // namespace

double mean_log_likelihood(const GaussianStats& x, const GaussianStats& model, double floor) {
  const int d = model.dim();
  std::vector<double> l = model.covariance(floor);
  if (!cholesky(l, d) || x.count <= 0.0) return -kInf;
  const std::vector<double> mu = model.mean();
  const std::vector<double> mx = x.mean();
  const std::vector<double> cx = x.covariance(0.0);
  double trace = 0.0;
  std::vector<double> column(d);
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < d; ++i) column[i] = cx[static_cast<size_t>(i) * d + j];
    cholesky_solve(l, d, column);
    trace += column[j];
  }
  std::vector<double> diff(d);
  for (int i = 0; i < d; ++i) diff[i] = mx[i] - mu[i];
  std::vector<double> solved = diff;
  cholesky_solve(l, d, solved);
  double mahalanobis = 0.0;
  for (int i = 0; i < d; ++i) mahalanobis += diff[i] * solved[i];
  return -0.5 * (log_det_from_cholesky(l, d) + trace + mahalanobis);
}

double delta_bic(const GaussianStats& full_a, const GaussianStats& full_b, const BicClusteringConfig& config) {
  const GaussianStats a = capped(full_a, config.max_frames_per_side);
  const GaussianStats b = capped(full_b, config.max_frames_per_side);
  GaussianStats both = a;
  both.merge(b);
  const int d = a.dim();
  const double n = both.count;
  const double fit = 0.5 * (n * log_det_covariance(both, config.covariance_floor) -
                            a.count * log_det_covariance(a, config.covariance_floor) -
                            b.count * log_det_covariance(b, config.covariance_floor));
  const double num_parameters = d + 0.5 * d * (d + 1);
  return fit - config.penalty_weight * 0.5 * num_parameters * std::log(n);
}

std::vector<int> cluster_tracks(const std::vector<GaussianStats>& clean,
                                const std::vector<GaussianStats>& active,
                                const std::vector<std::vector<int>>& chunks,
                                const SpeakerBounds& bounds, const BicClusteringConfig& config) {
  const int num_tracks = static_cast<int>(clean.size());
  if (active.size() != clean.size() || chunks.size() != clean.size())
    throw std::invalid_argument("cluster_tracks: inconsistent track counts");
  if (bounds.num_speakers < 0 || bounds.min_speakers < 0 || bounds.max_speakers < 0)
    throw std::invalid_argument("speaker bounds must not be negative");
  std::vector<int> cluster_of(num_tracks, 0);
  if (num_tracks == 0) return cluster_of;

  const int min_k = std::max(1, bounds.num_speakers ? bounds.num_speakers : bounds.min_speakers);
  const int max_k = bounds.num_speakers ? bounds.num_speakers
                                        : (bounds.max_speakers ? bounds.max_speakers : num_tracks);
  if (max_k < 2) return cluster_of;

  // Long tracks seed the clusters; with fewer long tracks than the lower bound asks for, the
  // longest short ones are promoted.
  std::vector<int> order(num_tracks);
  for (int k = 0; k < num_tracks; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return clean[x].count > clean[y].count; });
  // (A promoted track that never speaks alone is described by all its active frames.)
  std::vector<int> seeds;
  for (int k : order)
    if (clean[k].count >= config.min_track_frames ||
        (static_cast<int>(seeds.size()) < min_k && (clean[k].count > 0 || active[k].count > 0)))
      seeds.push_back(k);
  if (seeds.empty()) return cluster_of;

  std::vector<Cluster> clusters;
  std::vector<int> seed_cluster(num_tracks, -1);
  for (int k : seeds) {
    seed_cluster[k] = static_cast<int>(clusters.size());
    clusters.push_back({clean[k].count > 0 ? clean[k] : active[k], chunks[k], true});
  }
  const int n = static_cast<int>(clusters.size());
  auto pair_cost = [&](int i, int j) {
    if (config.use_cannot_links && share_a_chunk(clusters[i].chunks, clusters[j].chunks)) return kInf;
    return delta_bic(clusters[i].stats, clusters[j].stats, config);
  };
  // Upper triangle only, in float: n(n-1)/2 x 4 bytes instead of n^2 x 8, a quarter of the memory.
  // ΔBIC values are compared with each other and with 0; float keeps every sign and all but exact
  // near-ties (DER and the four-hour RTTM unchanged).
  const size_t un = static_cast<size_t>(n);
  auto at = [un](int i, int j) -> size_t {  // i < j
    const size_t a = static_cast<size_t>(i), b = static_cast<size_t>(j);
    return a * un - a * (a + 1) / 2 + (b - a - 1);
  };
  std::vector<float> cost(un * (un - 1) / 2 + 1, static_cast<float>(kInf));
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) cost[at(i, j)] = static_cast<float>(pair_cost(i, j));

  int alive = n;
  while (alive > 1) {
    double best = kInf;
    int bi = -1, bj = -1;
    for (int i = 0; i < n; ++i) {
      if (!clusters[i].alive) continue;
      for (int j = i + 1; j < n; ++j) {
        if (!clusters[j].alive) continue;
        const double c = cost[at(i, j)];
        if (c < best) { best = c; bi = i; bj = j; }
      }
    }
    const bool must_merge = alive > max_k;
    if (bi < 0) {
      // Only cannot-linked pairs remain. A count asked from above overrules the cannot-links:
      // the two clusters whose frames one Gaussian explains best merge all the same.
      if (!must_merge) break;
      for (int i = 0; i < n; ++i) {
        if (!clusters[i].alive) continue;
        for (int j = i + 1; j < n; ++j) {
          if (!clusters[j].alive) continue;
          const double c = delta_bic(clusters[i].stats, clusters[j].stats, config);
          if (bi < 0 || c < best) { best = c; bi = i; bj = j; }
        }
      }
    }
    const bool may_merge = alive > min_k;
    if (!must_merge && (!may_merge || best >= 0.0)) break;
    clusters[bi].stats.merge(clusters[bj].stats);
    std::vector<int> merged;
    std::merge(clusters[bi].chunks.begin(), clusters[bi].chunks.end(), clusters[bj].chunks.begin(),
               clusters[bj].chunks.end(), std::back_inserter(merged));
    clusters[bi].chunks = std::move(merged);
    clusters[bj].alive = false;
    for (int k = 0; k < n; ++k) {
      if (!clusters[k].alive || k == bi) continue;
      cost[bi < k ? at(bi, k) : at(k, bi)] = static_cast<float>(pair_cost(bi, k));
    }
    --alive;
    for (int k = 0; k < n; ++k)
      if (k != bj) cost[bj < k ? at(bj, k) : at(k, bj)] = static_cast<float>(kInf);
    for (int i = 0; i < num_tracks; ++i)
      if (seed_cluster[i] == bj) seed_cluster[i] = bi;
  }

  // Remaining short tracks go to the best-explaining cluster they are not cannot-linked with
  // (or the best overall if all are).
  std::vector<int> raw(num_tracks, -1);
  for (int k = 0; k < num_tracks; ++k) raw[k] = seed_cluster[k];
  for (int k : order) {
    if (raw[k] >= 0) continue;
    const GaussianStats& evidence = clean[k].count > 0 ? clean[k] : active[k];
    double best_free = -kInf, best_any = -kInf;
    int free_cluster = -1, any_cluster = -1;
    for (int c = 0; c < static_cast<int>(clusters.size()); ++c) {
      if (!clusters[c].alive) continue;
      const double ll = mean_log_likelihood(evidence, clusters[c].stats, config.covariance_floor);
      if (any_cluster < 0 || ll > best_any) { best_any = ll; any_cluster = c; }
      if (config.use_cannot_links && share_a_chunk(clusters[c].chunks, chunks[k])) continue;
      if (free_cluster < 0 || ll > best_free) { best_free = ll; free_cluster = c; }
    }
    int chosen = free_cluster >= 0 ? free_cluster : any_cluster;
    if (free_cluster < 0 && alive < max_k && clean[k].count >= config.min_new_speaker_frames) {
      // It speaks in a chunk beside every known speaker: someone new, however briefly heard.
      clusters.push_back({evidence, {}, true});
      chosen = static_cast<int>(clusters.size()) - 1;
      ++alive;
    }
    raw[k] = chosen;
    std::vector<int> merged;
    std::merge(clusters[chosen].chunks.begin(), clusters[chosen].chunks.end(), chunks[k].begin(),
               chunks[k].end(), std::back_inserter(merged));
    clusters[chosen].chunks = std::move(merged);
  }

  // Number clusters by first appearance in track order (tracks are numbered in time order).
  std::vector<int> renumber(clusters.size(), -1);
  int next = 0;
  for (int k = 0; k < num_tracks; ++k) {
    if (renumber[raw[k]] < 0) renumber[raw[k]] = next++;
    cluster_of[k] = renumber[raw[k]];
  }
  return cluster_of;
}

}  // namespace diarize
