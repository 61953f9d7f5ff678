// Comparisons of full-covariance Gaussians over MFCC frames: delta-BIC (Chen & Gopalakrishnan),
// which the track split uses to find changes of voice inside a track, and the mean log-likelihood
// of frames under a model, which the refinement uses to re-label local speakers.
#pragma once

#include "pipeline/builtin_statistics.h"

namespace diarize {

struct DeltaBicConfig {
  // Weight of the BIC model-size penalty (1 = textbook BIC); larger keeps more frames together.
  double penalty_weight = 1.75;
  // Each side counts at most this many frames (10 ms): keeps the verdict on two voices the same in
  // a 30 s and a 1 h file (see capped() in the .cpp).
  double max_frames_per_side = 700.0;
  // Added to the covariance diagonal (the features have unit variance over the file).
  double covariance_floor = 1e-3;
};

// delta-BIC of modelling two sets of frames apart rather than together: > 0 keeps them apart.
double delta_bic(const GaussianStats& a, const GaussianStats& b, const DeltaBicConfig& config);

// Mean log-likelihood per frame (without the 2*pi term) of the frames summarised by `x` under the
// full-covariance Gaussian fitted to `model` (covariance floored).
double mean_log_likelihood(const GaussianStats& x, const GaussianStats& model, double floor);

}  // namespace diarize
