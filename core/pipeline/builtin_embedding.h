// The built-in speaker embedding's clustering of local speakers (used when no embedding model is
// configured): whole-file MFCCs -> local speakers stitched into tracks -> tracks cut at voice
// changes -> each track's mean MFCCs in the PLDA's speaker space -> agglomerative clustering by
// Bayes factor -> per-chunk re-labelling. Produces hard clusters per (chunk, local speaker) in the
// same form as the 3.1 clustering, so the reconstruction is shared (builtin_diarization.h goes on
// from there). Design and accuracy: docs/accuracy.md.
#pragma once

#include <cstddef>
#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_clustering.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/builtin_refinement.h"
#include "pipeline/builtin_resegmentation.h"
#include "pipeline/builtin_run_clustering.h"
#include "pipeline/builtin_stitching.h"
#include "pipeline/builtin_track_split.h"

namespace diarize {

struct BuiltinEmbeddingConfig {
  MfccConfig mfcc;
  StitchConfig stitch;
  TrackSplitConfig split;
  TrackClusteringConfig clustering;
  RefinementConfig refinement;
  // After the reconstruction (builtin_diarization.h).
  RunClusteringConfig runs;
  ResegmentationConfig resegmentation;
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
};

// `features` are compute_mfcc(samples, config.mfcc) of the file; `segmentation` is the hard local
// segmentation of its chunks.
BuiltinClusters cluster_builtin_features(const FeatureMatrix& features, const ChunkSegmentation& segmentation,
                                         const SpeakerBounds& bounds, const BuiltinPlda& plda,
                                         const BuiltinEmbeddingConfig& config = {});

}  // namespace diarize
