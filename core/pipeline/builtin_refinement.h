// Second pass of the built-in clustering: a wrong stitch can chain two speakers into one track,
// and the track then takes one cluster. Here every (chunk, local speaker) is re-labelled with the
// cluster whose Gaussian best explains its own clean frames in that chunk, the local speakers of a
// chunk keeping distinct clusters.
#pragma once

#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_statistics.h"

namespace diarize {

struct RefinementConfig {
  bool enabled = true;
  // Members with fewer clean frames (10 ms) in their chunk keep their track's cluster.
  int min_member_frames = 50;
  // Clusters with fewer clean frames than this are never proposed (their Gaussian is unreliable).
  int min_cluster_frames = 100;
  double covariance_floor = 1e-3;
  // Passes; after the first, each cluster is re-estimated from the members it holds.
  int iterations = 1;
};

// hard_clusters [num_chunks * num_local] (-2 inactive) is updated in place; `clusters` are the
// pooled clean statistics of each cluster. Returns how many members changed cluster.
int refine_member_clusters(const FeatureMatrix& features, const ChunkActivity& activity,
                           const std::vector<GaussianStats>& clusters, const RefinementConfig& config,
                           std::vector<int>& hard_clusters);

}  // namespace diarize
