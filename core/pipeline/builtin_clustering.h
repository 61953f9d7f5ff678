// The built-in embedding's clustering of tracks: agglomerative merging by the PLDA's Bayes factor
// (builtin_plda.h) of "one speaker" against "two", while it exceeds a threshold. Each track weighs
// as much evidence as its frames carry, so no distance threshold or length cap is needed and the
// number of speakers follows the file; num/min/max speakers override the stopping rule.
#pragma once

#include <vector>

#include "pipeline/builtin_plda.h"
#include "pipeline/builtin_statistics.h"
#include "pipeline/clustering.h"  // SpeakerBounds

namespace diarize {

struct TrackClusteringConfig {
  // Clusters merge while the log-likelihood ratio of "one speaker" exceeds this (a prior against
  // one more speaker: -5 merges when two speakers are up to e^5 times likelier than one).
  double merge_threshold = -5.0;
  // Tracks with fewer clean frames (10 ms) than this seed no cluster: they join the cluster that
  // explains them best after the merging, or start a new one when they share a chunk with every
  // cluster ...
  int min_track_frames = 50;
  // ... but only with at least this many clean frames: shorter ones are mostly segmentation blips,
  // which then join their best match even if it shares a chunk with them.
  int min_new_speaker_frames = 25;
  // Forbid merging clusters that hold two local speakers of one chunk.
  bool use_cannot_links = true;
};

// Cluster index (0..K-1, numbered by first appearance) of every track. `clean` are the statistics
// of each track's clean frames, `active` (same size) of all its active frames (the evidence of a
// track that never speaks alone); `chunks[k]` are the chunks of track k (cannot-links). When no
// track is long enough the longest one seeds the first cluster; at most one speaker allowed puts
// everything in cluster 0.
std::vector<int> cluster_tracks(const std::vector<GaussianStats>& clean,
                                const std::vector<GaussianStats>& active,
                                const std::vector<std::vector<int>>& chunks, const SpeakerBounds& bounds,
                                const BuiltinPlda& plda, const TrackClusteringConfig& config);

}  // namespace diarize
