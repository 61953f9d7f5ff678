// Per-chunk maximum-likelihood re-labelling with distinct clusters per chunk (exhaustive over the
// at most num_local members of a chunk).
#include "pipeline/builtin_refinement.h"

#include <functional>
#include <limits>

#include "pipeline/builtin_delta_bic.h"

namespace diarize {

int refine_member_clusters(const FeatureMatrix& features, const ChunkActivity& activity,
                           const std::vector<GaussianStats>& clusters, const RefinementConfig& config,
                           std::vector<int>& hard_clusters) {
  if (!config.enabled) return 0;
  const int num_local = activity.num_local;
  const int num_clusters = static_cast<int>(clusters.size());
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  // Clean-frame statistics of every active member in its own chunk, computed once.
  std::vector<GaussianStats> own(static_cast<size_t>(activity.num_chunks) * num_local, GaussianStats(0));
  for (int c = 0; c < activity.num_chunks; ++c) {
    for (int s = 0; s < num_local; ++s)
      if (hard_clusters[static_cast<size_t>(c) * num_local + s] >= 0)
        own[static_cast<size_t>(c) * num_local + s] = GaussianStats(features.dim);
    for (int t = activity.first_frame[c]; t < activity.end_frame[c] && t < features.num_frames; ++t) {
      const uint8_t mask = activity.mask(c, t);
      if (count_active(mask) != 1) continue;
      GaussianStats& g = own[static_cast<size_t>(c) * num_local + __builtin_ctz(mask)];
      if (g.dim() == features.dim) g.add(features.row(t));
    }
  }
  const std::vector<int> original = hard_clusters;
  std::vector<GaussianStats> models = clusters;
  for (int iteration = 0; iteration < config.iterations; ++iteration) {
    if (iteration > 0) {
      // Re-estimate each cluster from the members it now holds.
      models.assign(num_clusters, GaussianStats(features.dim));
      for (size_t i = 0; i < hard_clusters.size(); ++i)
        if (hard_clusters[i] >= 0 && own[i].dim() == features.dim) models[hard_clusters[i]].merge(own[i]);
      // A member's frames are seen by up to 10 chunks: divide so counts stay in frames.
      for (GaussianStats& m : models) {
        const double scale = 0.1;
        m.count *= scale;
        for (double& v : m.sum) v *= scale;
        for (double& v : m.scatter) v *= scale;
      }
    }
    int moved = 0;
    for (int c = 0; c < activity.num_chunks; ++c) {
      std::vector<int> members;
      std::vector<std::vector<double>> score;
      for (int s = 0; s < num_local; ++s) {
        const int current = hard_clusters[static_cast<size_t>(c) * num_local + s];
        if (current < 0) continue;
        const GaussianStats& evidence = own[static_cast<size_t>(c) * num_local + s];
        members.push_back(s);
        std::vector<double> row(num_clusters, kNone);
        if (evidence.count < config.min_member_frames) {
          row[current] = 0.0;  // too little evidence: stays
        } else {
          for (int k = 0; k < num_clusters; ++k)
            if (models[k].count >= config.min_cluster_frames || k == current)
              row[k] = evidence.count * mean_log_likelihood(evidence, models[k], config.covariance_floor);
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
        if (slot != best_choice[i]) { slot = best_choice[i]; ++moved; }
      }
    }
    if (moved == 0) break;
  }
  int changed = 0;
  for (size_t i = 0; i < hard_clusters.size(); ++i) changed += hard_clusters[i] != original[i];
  return changed;
}

}  // namespace diarize
