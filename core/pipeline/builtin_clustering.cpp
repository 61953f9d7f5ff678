// PLDA agglomerative clustering with cannot-links and speaker-count bounds.
#include "pipeline/builtin_clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "pipeline/builtin_stitching.h"

namespace diarize {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Cluster {
  std::vector<int> chunks;  // sorted
  bool alive = true;
  SpeakerEvidence evidence;
  double score = 0.0;  // evidence_score(evidence)
};

Cluster make_cluster(const BuiltinPlda& plda, const GaussianStats& stats, std::vector<int> chunks) {
  Cluster c{std::move(chunks), true, track_evidence(plda, stats), 0.0};
  c.score = evidence_score(plda, c.evidence);
  return c;
}

double log_likelihood_ratio(const BuiltinPlda& plda, const Cluster& a, const Cluster& b) {
  return merge_log_likelihood_ratio(plda, a.evidence, a.score, b.evidence, b.score);
}

void merge_into(const BuiltinPlda& plda, Cluster& a, const Cluster& b) {
  std::vector<int> merged;
  std::merge(a.chunks.begin(), a.chunks.end(), b.chunks.begin(), b.chunks.end(), std::back_inserter(merged));
  a.chunks = std::move(merged);
  a.evidence.merge(b.evidence);
  a.score = evidence_score(plda, a.evidence);
}

}  // namespace

std::vector<int> cluster_tracks(const std::vector<GaussianStats>& clean,
                                const std::vector<GaussianStats>& active,
                                const std::vector<std::vector<int>>& chunks, const SpeakerBounds& bounds,
                                const BuiltinPlda& plda, const TrackClusteringConfig& config) {
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
    clusters.push_back(make_cluster(plda, clean[k].count > 0 ? clean[k] : active[k], chunks[k]));
  }
  const int n = static_cast<int>(clusters.size());
  // Lower merges first; merges the evidence supports cost < 0.
  auto pair_cost = [&](int i, int j) {
    if (config.use_cannot_links && share_a_chunk(clusters[i].chunks, clusters[j].chunks)) return kInf;
    return config.merge_threshold - log_likelihood_ratio(plda, clusters[i], clusters[j]);
  };
  // Upper triangle only, in float: n(n-1)/2 x 4 bytes instead of n^2 x 8, a quarter of the memory.
  // Costs are compared with each other and with 0; float keeps every sign and all but exact
  // near-ties.
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
      // the two clusters likeliest to be one speaker merge all the same.
      if (!must_merge) break;
      for (int i = 0; i < n; ++i) {
        if (!clusters[i].alive) continue;
        for (int j = i + 1; j < n; ++j) {
          if (!clusters[j].alive) continue;
          const double c = config.merge_threshold - log_likelihood_ratio(plda, clusters[i], clusters[j]);
          if (bi < 0 || c < best) { best = c; bi = i; bj = j; }
        }
      }
    }
    if (!must_merge && best >= 0.0) break;
    merge_into(plda, clusters[bi], clusters[bj]);
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

  // Remaining short tracks go to the cluster likeliest to be their speaker among those they are not
  // cannot-linked with (or the likeliest overall if all are).
  std::vector<int> raw(num_tracks, -1);
  for (int k = 0; k < num_tracks; ++k) raw[k] = seed_cluster[k];
  for (int k : order) {
    if (raw[k] >= 0) continue;
    const GaussianStats& evidence = clean[k].count > 0 ? clean[k] : active[k];
    const Cluster probe = make_cluster(plda, evidence, {});
    double best_free = -kInf, best_any = -kInf;
    int free_cluster = -1, any_cluster = -1;
    for (int c = 0; c < static_cast<int>(clusters.size()); ++c) {
      if (!clusters[c].alive) continue;
      const double ll = log_likelihood_ratio(plda, probe, clusters[c]);
      if (any_cluster < 0 || ll > best_any) { best_any = ll; any_cluster = c; }
      if (config.use_cannot_links && share_a_chunk(clusters[c].chunks, chunks[k])) continue;
      if (free_cluster < 0 || ll > best_free) { best_free = ll; free_cluster = c; }
    }
    int chosen = free_cluster >= 0 ? free_cluster : any_cluster;
    if (free_cluster < 0 && alive < max_k && clean[k].count >= config.min_new_speaker_frames) {
      // It speaks in a chunk beside every known speaker: someone new, however briefly heard.
      clusters.push_back(probe);
      chosen = static_cast<int>(clusters.size()) - 1;
      ++alive;
    }
    raw[k] = chosen;
    std::vector<int> merged;
    std::merge(clusters[chosen].chunks.begin(), clusters[chosen].chunks.end(), chunks[k].begin(),
               chunks[k].end(), std::back_inserter(merged));
    clusters[chosen].chunks = std::move(merged);
  }

  // Asked for more speakers than the evidence supports. Undoing the last merges would split the
  // largest and surest groups; instead tracks leave their clusters one at a time, each time the one
  // whose leaving is the least likely to cost speech: the greatest expected gain d tanh(-LLR / 2)
  // under the PLDA (d the track's active frames, overlap included: all the speech it takes along;
  // LLR of it and the rest of its cluster being one speaker, so the gain is +d when they are
  // surely two voices and -d when surely one). Done after every track has its cluster, so the
  // short ones stay with the speaker they sound like rather than follow a near-empty newcomer.
  std::vector<SpeakerEvidence> own(num_tracks);
  std::vector<SpeakerEvidence> pooled(clusters.size());
  for (int k = 0; k < num_tracks; ++k) {
    own[k] = track_evidence(plda, clean[k].count > 0 ? clean[k] : active[k]);
    pooled[raw[k]].merge(own[k]);
  }
  for (int speakers = alive; speakers < min_k; ++speakers) {
    std::vector<int> members(pooled.size(), 0);
    for (int k = 0; k < num_tracks; ++k) ++members[raw[k]];
    int chosen = -1;
    double best_gain = -kInf;
    for (int k = 0; k < num_tracks; ++k) {
      if (members[raw[k]] < 2) continue;
      SpeakerEvidence rest = pooled[raw[k]];
      rest.remove(own[k]);
      const double llr =
          merge_log_likelihood_ratio(plda, own[k], evidence_score(plda, own[k]), rest, evidence_score(plda, rest));
      const double gain = -active[k].count * std::tanh(0.5 * llr);
      if (chosen < 0 || gain > best_gain) { best_gain = gain; chosen = k; }
    }
    if (chosen < 0) break;  // every speaker is down to one track
    pooled[raw[chosen]].remove(own[chosen]);
    raw[chosen] = static_cast<int>(pooled.size());
    pooled.push_back(own[chosen]);
  }

  // Number clusters by first appearance in track order (tracks are numbered in time order).
  std::vector<int> renumber(pooled.size(), -1);
  int next = 0;
  for (int k = 0; k < num_tracks; ++k) {
    if (renumber[raw[k]] < 0) renumber[raw[k]] = next++;
    cluster_of[k] = renumber[raw[k]];
  }
  return cluster_of;
}

}  // namespace diarize
