// The learned part of the built-in embedding (docs/accuracy.md): a speaker space over the mean
// MFCCs of a track (a linear projection learned by LDA) and a two-covariance PLDA there whose
// within-speaker covariance shrinks with the number of frames averaged, W(n) = W + F / n. So a
// 1 s track is weak evidence and a 20 s one strong, and clusters compare by a Bayes factor that
// needs no length cap. The parameters come from tools/train_builtin_plda.cpp (models/builtin/).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/builtin_features.h"
#include "pipeline/builtin_statistics.h"
#include "pipeline/small_linalg.h"

namespace diarize {

struct BuiltinPlda {
  int input_dim = 0;               // MFCC coefficients (c1..c{input_dim})
  int dim = 0;                     // speaker space
  std::vector<double> mean;        // [input_dim] subtracted before projecting
  std::vector<double> projection;  // [dim * input_dim] row-major
  SquareMatrix between;            // B [dim * dim]: covariance of speaker means
  SquareMatrix within;             // W: of a long track's mean around its speaker's
  SquareMatrix within_per_frame;   // F: the part that averages out over frames
  // Derived by prepare(): B^-1 and log det B.
  SquareMatrix between_inverse;
  double log_det_between = 0.0;

  // Checks shapes, finiteness and positive-definiteness, and derives the above; throws
  // std::invalid_argument naming what is wrong.
  void prepare();
};

// The file format (safetensors, F32 tensors `mean`, `projection`, `between`, `within`,
// `within_per_frame`; metadata `format` = "diarize.builtin_plda/1" and the MFCC settings the
// parameters were trained with).
inline constexpr const char* kBuiltinPldaFormat = "diarize.builtin_plda/1";
inline constexpr const char* kBuiltinPldaFileName = "builtin_plda.safetensors";
std::map<std::string, std::string> builtin_plda_metadata(const MfccConfig& mfcc);

// Reads and checks a parameter file: its format, that it was trained for `mfcc`, shapes, and
// every value finite (issue #14). Throws std::runtime_error saying what is wrong with which file.
BuiltinPlda read_builtin_plda(const std::string& path, const MfccConfig& mfcc);

// What one or more tracks say about their speaker's mean: sum of precisions and of
// precision-weighted projected means. Merging clusters adds them.
struct SpeakerEvidence {
  SquareMatrix precision;
  std::vector<double> weighted;
  void merge(const SpeakerEvidence& other);
  // Takes back what merge(other) added.
  void remove(const SpeakerEvidence& other);
};

// y = P (mean - mu) of the track's frames, precision (W + F / n)^-1. Empty tracks give no evidence.
SpeakerEvidence track_evidence(const BuiltinPlda& plda, const GaussianStats& frames);

// The part of log p(tracks of one speaker) that does not cancel in a Bayes factor:
// -1/2 log det(B^-1 + L) + 1/2 h' (B^-1 + L)^-1 h, with L the precision sum and h the weighted sum.
double evidence_score(const BuiltinPlda& plda, const SpeakerEvidence& evidence);

// log p(a and b are one speaker) - log p(two speakers), given evidence_score of each.
double merge_log_likelihood_ratio(const BuiltinPlda& plda, const SpeakerEvidence& a, double score_a,
                                  const SpeakerEvidence& b, double score_b);

}  // namespace diarize
