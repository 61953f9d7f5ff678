// A second clustering of the built-in diarization, over its single-speaker runs. The segmentation
// model sometimes keeps one local speaker through changes of voice (speechocean762's read speech:
// an adult and a child taking turns get one local speaker for a whole chunk), and then no
// labelling of (chunk, local speaker) pairs, the ORACLE's included, can tell the turns apart.
// The reconstructed diarization still has a silence or a change between most turns: its runs (one
// speaker on, from change to change) are mostly one voice each. They are clustered afresh with
// the PLDA, and the new grouping replaces the old one only where the acoustic evidence prefers it
// by a wide margin (a log Bayes factor): on AMI, whose far-field voices the PLDA cannot tell apart,
// the speakers come from the segmentation's cannot-links, and the evidence never gets there.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/builtin_features.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/clustering.h"  // SpeakerBounds

namespace diarize {

struct RunClusteringConfig {
  bool enabled = true;
  // Runs shorter than this (frames of the output grid, 10/589 s: 0.51 s) take no part; their
  // frames follow where the longer runs of their old speaker went.
  int min_run_frames = 30;
  // Runs merge while the log-likelihood ratio of "one speaker" exceeds this (tuned on the tune
  // sets: -10 to -20 equal within 1 point, -25 loses 5 points on the LibriSpeech mixes).
  double merge_threshold = -15.0;
  // The new grouping must beat the reconstruction's by this log Bayes factor (both scored with the
  // same per-speaker prior, merge_threshold). On ami trn* the regroupings the PLDA prefers score
  // at most 16 and merge speakers the cannot-links had kept apart (2 of them cost 9-12 points);
  // on the tune mixes the helpful ones score 24-330.
  double min_log_bayes_factor = 25.0;
};

// The discrete diarization being refined, with the activations of each column (for choices
// between speakers that are on together).
struct RefinedDiscrete {
  FrameSeries regular;      // [frames, columns] 0/1
  FrameSeries activations;  // [frames, columns]
  std::vector<int> count;   // [frames]
  int64_t num_clusters = 0; // the first columns are speakers, the others count padding
};

// [num_frames + 1]: feature frame ranges under each frame of `grid`: frame f holds the feature
// frames [bounds[f], bounds[f + 1]) (those whose centre lies inside it).
std::vector<int> feature_frames_of_grid(const FeatureMatrix& features, const FrameGrid& grid, int64_t num_frames);

// Regroups the runs in place when the evidence says so (within `bounds`); returns the log Bayes
// factor of the regrouping (applied when >= config.min_log_bayes_factor), or -infinity when there
// was nothing to regroup. Speakers keep their columns where they overlap most with an old one;
// others get new columns before the padding.
double regroup_runs(const FeatureMatrix& features, const std::vector<int>& feature_bounds, const BuiltinPlda& plda,
                    const SpeakerBounds& bounds, const RunClusteringConfig& config, RefinedDiscrete& discrete);

}  // namespace diarize
