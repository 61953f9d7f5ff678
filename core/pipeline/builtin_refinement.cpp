// Per-chunk maximum-likelihood re-labelling with distinct clusters per chunk (exhaustive over the
// at most num_local members of a chunk).
#include "pipeline/builtin_refinement.h"

#include <functional>
#include <limits>

#include "pipeline/builtin_clustering.h"

namespace diarize {

int refine_member_clusters(const FeatureMatrix& features, const ChunkActivity& activity,
                           const std::vector<GaussianStats>& clusters, const RefinementConfig& config,
                           std::vector<int>& hard_clusters) {
  if (!config.enabled) return 0;
  const int num_local = activity.num_local;
  const int num_clusters = static_cast<int>(clusters.size());
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  int changed = 0;
  for (int c = 0; c < activity.num_chunks; ++c) {
    std::vector<GaussianStats> own(num_local, GaussianStats(features.dim));
    for (int t = activity.first_frame[c]; t < activity.end_frame[c] && t < features.num_frames; ++t) {
      const uint8_t mask = activity.mask(c, t);
      if (count_active(mask) == 1) own[__builtin_ctz(mask)].add(features.row(t));
    }
    // Per member: the clusters it may take, with the evidence (total log-likelihood) for each.
    std::vector<int> members;
    std::vector<std::vector<double>> score;
    for (int s = 0; s < num_local; ++s) {
      const int current = hard_clusters[static_cast<size_t>(c) * num_local + s];
      if (current < 0) continue;
      members.push_back(s);
      std::vector<double> row(num_clusters, kNone);
      if (own[s].count < config.min_member_frames) {
        row[current] = 0.0;  // too little evidence: stays
      } else {
        for (int k = 0; k < num_clusters; ++k)
          if (clusters[k].count >= config.min_cluster_frames || k == current)
            row[k] = own[s].count * mean_log_likelihood(own[s], clusters[k], config.covariance_floor);
      }
      score.push_back(std::move(row));
    }
    if (members.empty()) continue;
    // Exhaustive search over distinct assignments; the current one wins ties.
    std::vector<int> best_choice(members.size()), choice(members.size());
    for (size_t i = 0; i < members.size(); ++i)
      best_choice[i] = hard_clusters[static_cast<size_t>(c) * num_local + members[i]];
    double best = 0.0;
    bool current_valid = true;
    for (size_t i = 0; i < members.size(); ++i) {
      if (score[i][best_choice[i]] == kNone) current_valid = false;
      best += score[i][best_choice[i]];
    }
    if (!current_valid) best = kNone;
    std::vector<bool> used(num_clusters, false);
    std::function<void(size_t, double)> search = [&](size_t i, double total) {
      if (i == members.size()) {
        if (total > best + 1e-9) { best = total; best_choice = choice; }
        return;
      }
      for (int k = 0; k < num_clusters; ++k) {
        if (used[k] || score[i][k] == kNone) continue;
        used[k] = true;
        choice[i] = k;
        search(i + 1, total + score[i][k]);
        used[k] = false;
      }
    };
    search(0, 0.0);
    for (size_t i = 0; i < members.size(); ++i) {
      int& slot = hard_clusters[static_cast<size_t>(c) * num_local + members[i]];
      if (slot != best_choice[i]) { slot = best_choice[i]; ++changed; }
    }
  }
  return changed;
}

}  // namespace diarize
