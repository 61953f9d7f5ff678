// The built-in speaker embedding end to end (used when no embedding model is configured):
// whole-file MFCCs -> local speakers stitched into tracks -> tracks cut at voice changes ->
// per-track Gaussian statistics ->
// delta-BIC clustering. Produces hard clusters per (chunk, local speaker) in the same form as
// the 3.1 clustering, so reconstruction and output are shared. Design and accuracy:
// docs/accuracy.md.
#pragma once

#include <cstddef>
#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_clustering.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_refinement.h"
#include "pipeline/builtin_stitching.h"
#include "pipeline/builtin_track_split.h"

namespace diarize {

struct BuiltinEmbeddingConfig {
  MfccConfig mfcc;
  StitchConfig stitch;
  TrackSplitConfig split;
  BicClusteringConfig clustering;
  RefinementConfig refinement;
  // A (chunk, local speaker) with this many clean frames (10 ms) in its chunk can be a speaker of
  // its own when a count is asked for: with at least N of them, --num-speakers N gives N speakers.
  int min_speaker_frames = 50;
};

struct BuiltinClusters {
  int num_chunks = 0;
  int num_local = 0;
  int num_clusters = 0;
  int num_tracks = 0;
  // [num_chunks * num_local]: cluster of (chunk, local speaker), -2 where it is inactive
  // (pyannote's convention).
  std::vector<int> hard_clusters;
  // [num_chunks * num_local]: track of (chunk, local speaker), -1 where inactive (diagnostics).
  std::vector<int> track_of;
  // [num_clusters][mfcc.num_cepstra]: mean normalised MFCC of each cluster's clean frames.
  std::vector<std::vector<float>> centroids;
};

// `samples` are 16 kHz mono; `segmentation` is the hard local segmentation of the chunks.
BuiltinClusters cluster_with_builtin_embedding(const float* samples, size_t num_samples,
                                               const ChunkSegmentation& segmentation,
                                               const SpeakerBounds& bounds,
                                               const BuiltinEmbeddingConfig& config = {});

// The same from features computed beforehand (compute_mfcc with config.mfcc), e.g. to try
// several settings on one file.
BuiltinClusters cluster_builtin_features(const FeatureMatrix& features,
                                         const ChunkSegmentation& segmentation,
                                         const SpeakerBounds& bounds,
                                         const BuiltinEmbeddingConfig& config = {});

}  // namespace diarize
