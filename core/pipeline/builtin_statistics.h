// The built-in speaker embedding: Gaussian statistics (count, sum, scatter) of the MFCC frames
// that each track speaks alone, pooled over the whole track rather than per chunk.
#pragma once

#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_stitching.h"

namespace diarize {

// Sufficient statistics of a full-covariance Gaussian; adding two is merging their frames.
struct GaussianStats {
  double count = 0.0;
  std::vector<double> sum;      // [dim]
  std::vector<double> scatter;  // [dim*dim] sum of x x^T

  explicit GaussianStats(int dim = 0) : sum(dim, 0.0), scatter(static_cast<size_t>(dim) * dim, 0.0) {}
  int dim() const { return static_cast<int>(sum.size()); }
  void add(const float* x, double weight = 1.0);
  void merge(const GaussianStats& other);
  std::vector<double> mean() const;
  // Maximum-likelihood covariance plus floor*I, so that short tracks stay invertible.
  std::vector<double> covariance(double floor) const;
};

// Track of every feature frame that the majority of the chunks that see exactly one speaker
// there attribute to one track (-1: silence, overlap, or no majority). Each frame counts once, however
// many chunks see it, so track statistics do not weigh the middle of a track ten times.
std::vector<int> assign_clean_frames(const ChunkActivity& activity, const Tracks& tracks);

// Per track statistics of the frames assigned to it.
std::vector<GaussianStats> track_statistics(const FeatureMatrix& features,
                                            const std::vector<int>& frame_track, int num_tracks);

// Per track statistics of every frame any of its local speakers is active in, overlap
// included, each frame once (a fallback for tracks that never speak alone).
std::vector<GaussianStats> track_active_statistics(const FeatureMatrix& features,
                                                   const ChunkActivity& activity, const Tracks& tracks);

}  // namespace diarize
