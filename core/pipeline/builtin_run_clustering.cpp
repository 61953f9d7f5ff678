// Agglomerative PLDA clustering of single-speaker runs, a Bayes-factor gate, and the column mapping.
#include "pipeline/builtin_run_clustering.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace diarize {
namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();

struct Run {
  int64_t first = 0, end = 0;  // output frames
  int old_cluster = 0;
  SpeakerEvidence evidence;
  double score = 0.0;
  int group = 0;  // current cluster (index of its first run)
};

// Sum over groups of log p(runs of the group | one speaker), up to the per-run terms every
// grouping shares, plus `prior` per group: what the agglomeration increases with every merge.
double grouping_score(const BuiltinPlda& plda, const std::vector<Run>& runs, const std::vector<int>& group,
                      int num_groups, double prior) {
  std::vector<SpeakerEvidence> evidence(num_groups);
  std::vector<bool> used(num_groups, false);
  for (size_t i = 0; i < runs.size(); ++i) {
    evidence[group[i]].merge(runs[i].evidence);
    used[group[i]] = true;
  }
  double total = 0.0;
  for (int g = 0; g < num_groups; ++g)
    if (used[g]) total += evidence_score(plda, evidence[g]) - 0.5 * plda.log_det_between + prior;
  return total;
}

}  // namespace

std::vector<int> feature_frames_of_grid(const FeatureMatrix& features, const FrameGrid& grid, int64_t num_frames) {
  std::vector<int> bounds(static_cast<size_t>(num_frames) + 1, 0);
  int t = 0;
  for (int64_t f = 0; f <= num_frames; ++f) {
    const double edge = grid.start_s + static_cast<double>(f) * grid.step_s;
    while (t < features.num_frames && features.frame_centre_s(t) < edge) ++t;
    bounds[static_cast<size_t>(f)] = t;
  }
  return bounds;
}

double regroup_runs(const FeatureMatrix& features, const std::vector<int>& feature_bounds, const BuiltinPlda& plda,
                    const SpeakerBounds& bounds, const RunClusteringConfig& config, RefinedDiscrete& discrete) {
  if (!config.enabled) return kNone;
  FrameSeries& binary = discrete.regular;
  const int64_t num_frames = binary.num_frames;
  const int64_t num_clusters = discrete.num_clusters;
  // The speaker of every single-speaker frame (-1 elsewhere, and where a padding column is on).
  std::vector<int> label(static_cast<size_t>(num_frames), -1);
  for (int64_t f = 0; f < num_frames; ++f) {
    if (discrete.count[f] != 1) continue;
    for (int64_t k = 0; k < num_clusters; ++k)
      if (binary.at(f, k) > 0.5f) label[f] = static_cast<int>(k);
  }
  std::vector<Run> runs;
  for (int64_t f = 0; f < num_frames;) {
    if (label[f] < 0) { ++f; continue; }
    int64_t end = f;
    while (end < num_frames && label[end] == label[f]) ++end;
    if (end - f >= config.min_run_frames) {
      GaussianStats frames(features.dim);
      for (int t = feature_bounds[f]; t < feature_bounds[end]; ++t) frames.add(features.row(t));
      Run run{f, end, label[f], track_evidence(plda, frames), 0.0, static_cast<int>(runs.size())};
      run.score = evidence_score(plda, run.evidence);
      runs.push_back(std::move(run));
    }
    f = end;
  }
  const int n = static_cast<int>(runs.size());
  if (n < 2) return kNone;

  // Agglomeration within the count bounds (the same rule as for tracks, without cannot-links:
  // the point is to overrule the local speakers).
  const int min_k = std::max(1, bounds.num_speakers ? bounds.num_speakers : bounds.min_speakers);
  const int max_k = bounds.num_speakers ? bounds.num_speakers : (bounds.max_speakers ? bounds.max_speakers : n);
  std::vector<SpeakerEvidence> evidence(n);
  std::vector<double> score(n);
  std::vector<bool> alive(n, true);
  for (int i = 0; i < n; ++i) { evidence[i] = runs[i].evidence; score[i] = runs[i].score; }
  auto llr = [&](int i, int j) { return merge_log_likelihood_ratio(plda, evidence[i], score[i], evidence[j], score[j]); };
  std::vector<double> pair(static_cast<size_t>(n) * n, kNone);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) pair[static_cast<size_t>(i) * n + j] = llr(i, j);
  for (int groups = n; groups > 1; --groups) {
    double best = kNone;
    int bi = -1, bj = -1;
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; alive[i] && j < n; ++j)
        if (alive[j] && pair[static_cast<size_t>(i) * n + j] > best) { best = pair[static_cast<size_t>(i) * n + j]; bi = i; bj = j; }
    if (groups <= max_k && (groups <= min_k || best < config.merge_threshold)) break;
    evidence[bi].merge(evidence[bj]);
    score[bi] = evidence_score(plda, evidence[bi]);
    alive[bj] = false;
    for (Run& r : runs)
      if (r.group == bj) r.group = bi;
    for (int k = 0; k < n; ++k)
      if (alive[k] && k != bi) pair[static_cast<size_t>(std::min(bi, k)) * n + std::max(bi, k)] = llr(bi, k);
  }
  std::vector<int> renumber(n, -1), new_group(n), old_group(n);
  int num_new = 0;
  for (int i = 0; i < n; ++i) {
    if (renumber[runs[i].group] < 0) renumber[runs[i].group] = num_new++;
    new_group[i] = renumber[runs[i].group];
    old_group[i] = runs[i].old_cluster;
  }
  if (num_new < min_k || num_new > max_k) return kNone;
  const double log_bayes_factor =
      grouping_score(plda, runs, new_group, num_new, config.merge_threshold) -
      grouping_score(plda, runs, old_group, static_cast<int>(num_clusters), config.merge_threshold);
  if (log_bayes_factor < config.min_log_bayes_factor) return log_bayes_factor;

  // Frames shared by each (new speaker, old speaker) pair decide which new speaker keeps which old
  // column: largest overlaps first.
  std::vector<std::vector<int64_t>> overlap(num_new, std::vector<int64_t>(num_clusters, 0));
  for (int i = 0; i < n; ++i) overlap[new_group[i]][runs[i].old_cluster] += runs[i].end - runs[i].first;
  std::vector<int> column_of(num_new, -1);
  std::vector<bool> column_taken(num_clusters, false);
  std::vector<std::pair<int64_t, std::pair<int, int>>> pairs;
  for (int g = 0; g < num_new; ++g)
    for (int64_t k = 0; k < num_clusters; ++k)
      if (overlap[g][k] > 0) pairs.push_back({-overlap[g][k], {g, static_cast<int>(k)}});
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [minus_frames, gk] : pairs)
    if (column_of[gk.first] < 0 && !column_taken[gk.second]) {
      column_of[gk.first] = gk.second;
      column_taken[gk.second] = true;
    }
  // New speakers without an old column go after the old speakers, before the count padding; an
  // old column no speaker keeps stays, empty.
  int64_t next_column = num_clusters;
  for (int g = 0; g < num_new; ++g)
    if (column_of[g] < 0) column_of[g] = static_cast<int>(next_column++);
  const int64_t added = next_column - num_clusters;
  const int64_t old_columns = binary.num_columns, columns = old_columns + added;
  // Where each column's activations come from: an old speaker keeps its own, a new one borrows
  // those of the old speaker it mostly came from, the count padding shifts right.
  std::vector<int64_t> origin(static_cast<size_t>(columns));
  for (int64_t c = 0; c < columns; ++c) origin[c] = c < num_clusters ? c : c - added;
  for (int g = 0; g < num_new; ++g)
    if (column_of[g] >= num_clusters)
      origin[column_of[g]] = std::max_element(overlap[g].begin(), overlap[g].end()) - overlap[g].begin();
  // Where the frames of each old speaker go when no run of theirs decides (short runs, overlap).
  std::vector<int64_t> destination(static_cast<size_t>(num_clusters));
  for (int64_t k = 0; k < num_clusters; ++k) {
    int64_t most = 0;
    destination[k] = k;
    for (int g = 0; g < num_new; ++g)
      if (overlap[g][k] > most) { most = overlap[g][k]; destination[k] = column_of[g]; }
  }

  FrameSeries regular, activations;
  regular.frames = activations.frames = binary.frames;
  regular.num_frames = activations.num_frames = num_frames;
  regular.num_columns = activations.num_columns = columns;
  regular.values.assign(static_cast<size_t>(num_frames * columns), 0.0f);
  activations.values.assign(static_cast<size_t>(num_frames * columns), 0.0f);
  for (int64_t f = 0; f < num_frames; ++f)
    for (int64_t c = 0; c < columns; ++c) activations.at(f, c) = discrete.activations.at(f, origin[c]);
  std::vector<int> frame_column(static_cast<size_t>(num_frames), -1);
  for (int i = 0; i < n; ++i)
    for (int64_t f = runs[i].first; f < runs[i].end; ++f) frame_column[f] = column_of[new_group[i]];
  for (int64_t f = 0; f < num_frames; ++f) {
    if (label[f] >= 0) {
      regular.at(f, frame_column[f] >= 0 ? frame_column[f] : destination[label[f]]) = 1.0f;
      continue;
    }
    // Overlap (or a padding column): each speaker on goes where most of its runs went, or keeps
    // its column; two speakers never share one.
    for (int64_t k = 0; k < old_columns; ++k) {
      if (binary.at(f, k) < 0.5f) continue;
      const int64_t own = k < num_clusters ? k : k + added;
      int64_t c = k < num_clusters ? destination[k] : own;
      if (regular.at(f, c) > 0.5f) c = own;
      if (regular.at(f, c) > 0.5f) {
        c = 0;  // a free column exists: the count never exceeds the columns
        while (c + 1 < columns && regular.at(f, c) > 0.5f) ++c;
      }
      regular.at(f, c) = 1.0f;
    }
  }
  discrete.regular = std::move(regular);
  discrete.activations = std::move(activations);
  discrete.num_clusters = num_clusters + added;
  return log_bayes_factor;
}

}  // namespace diarize
