// Frame-level resegmentation of the built-in diarization: where exactly one speaker is on, a
// Viterbi pass over the frames re-decides who, with a full-covariance Gaussian of each speaker's
// MFCCs and a penalty for every change, then re-fits the Gaussians and does it again. It moves
// the edges of turns to where the voices change (the segmentation's local speakers often run on
// past a change of voice) and hands short turns to the speaker whose voice they are. Frames only
// move between speakers the PLDA hears apart: speakers that only the segmentation's cannot-links
// or an asked-for count keep apart (AMI's far-field voices) keep the frames they were given.
#pragma once

#include <vector>

#include "pipeline/builtin_features.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/builtin_run_clustering.h"  // RefinedDiscrete

namespace diarize {

struct ResegmentationConfig {
  bool enabled = true;
  int iterations = 4;
  // Weight of one 10 ms frame's log-likelihood (neighbouring frames are far from independent).
  double frame_weight = 0.2;
  // Log-likelihood a change of speaker costs.
  double switch_penalty = 10.0;
  double covariance_floor = 1e-2;
  // Speakers with fewer single-speaker frames (output grid) than this are not modelled, and keep
  // their frames.
  int min_speaker_frames = 60;
  // Two speakers exchange frames only when the PLDA's log-likelihood ratio of their
  // single-speaker frames being one voice is below this. 0 (the PLDA leans to "two voices") on the
  // tuning corpora: LibriSpeech tune mixes 18.62 % DER, speechocean762 tune 32.20 %, AMI trn* 28.81 %,
  // where -5 (the track clustering's merge threshold) gave 19.67, 32.67, 28.79.
  double max_exchange_log_likelihood_ratio = 0.0;
};

// Changes the speaker of single-speaker frames among the first discrete.num_clusters columns;
// `feature_bounds` from feature_frames_of_grid. Returns how many frames changed.
int resegment(const FeatureMatrix& features, const std::vector<int>& feature_bounds, const BuiltinPlda& plda,
              const ResegmentationConfig& config, RefinedDiscrete& discrete);

}  // namespace diarize
