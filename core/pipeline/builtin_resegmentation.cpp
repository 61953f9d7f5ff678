// Viterbi resegmentation over single-speaker frames with per-speaker full-covariance Gaussians.
#include "pipeline/builtin_resegmentation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pipeline/builtin_statistics.h"
#include "pipeline/small_linalg.h"

namespace diarize {
namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();

struct SpeakerModel {
  bool usable = false;
  std::vector<double> mean;
  SquareMatrix cholesky_factor;
  double log_det = 0.0;

  // log N(x; mean, covariance) without the 2 pi term.
  double log_likelihood(const float* x, std::vector<double>& scratch) const {
    const int d = static_cast<int>(mean.size());
    // (x - mu)' S^-1 (x - mu) = |L^-1 (x - mu)|^2: forward substitution only.
    double quadratic = 0.0;
    for (int i = 0; i < d; ++i) {
      double v = x[i] - mean[i];
      for (int k = 0; k < i; ++k) v -= cholesky_factor[static_cast<size_t>(i) * d + k] * scratch[k];
      v /= cholesky_factor[static_cast<size_t>(i) * d + i];
      scratch[i] = v;
      quadratic += v * v;
    }
    return -0.5 * (log_det + quadratic);
  }
};

}  // namespace

int resegment(const FeatureMatrix& features, const std::vector<int>& feature_bounds, const BuiltinPlda& plda,
              const ResegmentationConfig& config, RefinedDiscrete& discrete) {
  const int num_speakers = static_cast<int>(discrete.num_clusters);
  if (!config.enabled || num_speakers < 2 || features.num_frames == 0) return 0;
  FrameSeries& binary = discrete.regular;
  const int64_t num_frames = binary.num_frames;
  std::vector<int> label(static_cast<size_t>(num_frames), -1);
  for (int64_t f = 0; f < num_frames; ++f) {
    if (discrete.count[f] != 1) continue;
    for (int k = 0; k < num_speakers; ++k)
      if (binary.at(f, k) > 0.5f) label[f] = k;
  }
  const std::vector<int> original = label;
  const int d = features.dim;
  // Which speakers may exchange frames: those the PLDA hears apart.
  std::vector<char> exchange(static_cast<size_t>(num_speakers) * num_speakers, 0);
  {
    std::vector<GaussianStats> frames(num_speakers, GaussianStats(d));
    for (int64_t f = 0; f < num_frames; ++f)
      if (label[f] >= 0)
        for (int t = feature_bounds[f]; t < feature_bounds[f + 1]; ++t) frames[label[f]].add(features.row(t));
    std::vector<SpeakerEvidence> evidence;
    std::vector<double> score;
    for (const GaussianStats& g : frames) {
      evidence.push_back(track_evidence(plda, g));
      score.push_back(evidence_score(plda, evidence.back()));
    }
    for (int j = 0; j < num_speakers; ++j)
      for (int k = 0; k < num_speakers; ++k)
        exchange[static_cast<size_t>(j) * num_speakers + k] =
            j == k || merge_log_likelihood_ratio(plda, evidence[j], score[j], evidence[k], score[k]) <
                          config.max_exchange_log_likelihood_ratio;
  }
  std::vector<double> scratch(d);
  std::vector<double> score(num_speakers), next(num_speakers), emission(num_speakers);
  std::vector<int> back;
  for (int iteration = 0; iteration < config.iterations; ++iteration) {
    std::vector<GaussianStats> stats(num_speakers, GaussianStats(d));
    std::vector<int> frames_of(num_speakers, 0);
    for (int64_t f = 0; f < num_frames; ++f) {
      if (label[f] < 0) continue;
      ++frames_of[label[f]];
      for (int t = feature_bounds[f]; t < feature_bounds[f + 1]; ++t) stats[label[f]].add(features.row(t));
    }
    std::vector<SpeakerModel> models(num_speakers);
    int usable = 0;
    for (int k = 0; k < num_speakers; ++k) {
      if (frames_of[k] < config.min_speaker_frames) continue;
      SpeakerModel& m = models[k];
      m.mean = stats[k].mean();
      m.cholesky_factor = stats[k].covariance(config.covariance_floor);
      if (!cholesky(m.cholesky_factor, d)) continue;
      m.log_det = log_det_from_cholesky(m.cholesky_factor, d);
      m.usable = true;
      ++usable;
    }
    if (usable < 2) break;
    // Viterbi over each run of consecutive single-speaker frames of modelled speakers.
    for (int64_t start = 0; start < num_frames;) {
      if (label[start] < 0 || !models[original[start]].usable) { ++start; continue; }
      int64_t end = start;
      while (end < num_frames && label[end] >= 0 && models[original[end]].usable) ++end;
      const int64_t length = end - start;
      back.assign(static_cast<size_t>(length * num_speakers), -1);
      for (int64_t i = 0; i < length; ++i) {
        const int64_t f = start + i;
        for (int k = 0; k < num_speakers; ++k) {
          emission[k] = kNone;
          if (!models[k].usable || !exchange[static_cast<size_t>(original[f]) * num_speakers + k]) continue;
          emission[k] = 0.0;
          for (int t = feature_bounds[f]; t < feature_bounds[f + 1]; ++t)
            emission[k] += config.frame_weight * models[k].log_likelihood(features.row(t), scratch);
        }
        for (int k = 0; k < num_speakers; ++k) {
          if (i == 0 || emission[k] == kNone) { next[k] = emission[k]; continue; }
          int from = k;
          double best = score[k];
          for (int j = 0; j < num_speakers; ++j)
            if (j != k && score[j] - config.switch_penalty > best) { best = score[j] - config.switch_penalty; from = j; }
          next[k] = best + emission[k];
          back[static_cast<size_t>(i * num_speakers + k)] = from;
        }
        score.swap(next);
      }
      int state = static_cast<int>(std::max_element(score.begin(), score.end()) - score.begin());
      for (int64_t i = length - 1; i >= 0; --i) {
        label[start + i] = state;
        if (i > 0) state = back[static_cast<size_t>(i * num_speakers + state)];
      }
      start = end;
    }
  }
  int changed = 0;
  for (int64_t f = 0; f < num_frames; ++f) {
    if (original[f] < 0 || label[f] == original[f]) continue;
    binary.at(f, original[f]) = 0.0f;
    binary.at(f, label[f]) = 1.0f;
    ++changed;
  }
  return changed;
}

}  // namespace diarize
