// The built-in embedding's clustering rule: agglomerative merging of tracks while the Bayesian
// information criterion says one Gaussian explains two tracks' frames better than two do
// (Chen & Gopalakrishnan's delta-BIC). It needs no distance threshold, so the number of speakers
// follows the file; num/min/max speakers override it.
#pragma once

#include <vector>

#include "pipeline/builtin_statistics.h"
#include "pipeline/clustering.h"  // SpeakerBounds

namespace diarize {

struct BicClusteringConfig {
  // Weight of the BIC model-size penalty (1 = textbook BIC); larger merges more.
  double penalty_weight = 2.0;
  // Tracks with fewer clean frames (10 ms) than this are too short for a full covariance: they
  // join the cluster that explains their frames best after the merging, or start a new one when
  // they share a chunk with every cluster.
  int min_track_frames = 50;
  // ... but only with at least this many clean frames: shorter ones are mostly segmentation blips,
  // which then join their best match even if it shares a chunk with them.
  int min_new_speaker_frames = 25;
  // Each side of a delta-BIC counts at most this many frames (10 ms): keeps the rule's verdict on
  // two voices the same in a 30 s and a 1 h file (see capped() in the .cpp).
  double max_frames_per_side = 700.0;
  // Added to the covariance diagonal (the features have unit variance over the file).
  double covariance_floor = 1e-3;
  // Forbid merging clusters that hold two local speakers of one chunk.
  bool use_cannot_links = true;
};

// delta-BIC of merging two sets of frames (each capped at max_frames_per_side): > 0 keeps them apart.
double delta_bic(const GaussianStats& a, const GaussianStats& b, const BicClusteringConfig& config);

// Mean log-likelihood per frame (without the 2*pi term) of the frames summarised by `x` under the
// full-covariance Gaussian fitted to `model` (covariance floored as above).
double mean_log_likelihood(const GaussianStats& x, const GaussianStats& model, double floor);

// Cluster index (0..K-1, numbered by first appearance) of every track. `clean` are the statistics
// used for merging, `active` (same size) the fallback used to place tracks with too few clean
// frames; `chunks[k]` are the chunks of track k (cannot-links). When no track is long enough the
// longest one seeds the first cluster; at most one speaker allowed puts everything in cluster 0.
std::vector<int> cluster_tracks(const std::vector<GaussianStats>& clean,
                                const std::vector<GaussianStats>& active,
                                const std::vector<std::vector<int>>& chunks,
                                const SpeakerBounds& bounds, const BicClusteringConfig& config);

}  // namespace diarize
