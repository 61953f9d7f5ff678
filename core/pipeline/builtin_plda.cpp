// Two-covariance PLDA with length-dependent within-speaker covariance, and its parameter file.
#include "pipeline/builtin_plda.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "formats/safetensors.h"

namespace diarize {
namespace {

bool all_finite(const std::vector<double>& values) {
  for (double v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

void require_positive_definite(const SquareMatrix& m, int d, const char* name) {
  SquareMatrix l = m;
  if (!cholesky(l, d)) throw std::invalid_argument(std::string(name) + " is not positive definite");
}

}  // namespace

void BuiltinPlda::prepare() {
  if (input_dim <= 0 || dim <= 0 || dim > input_dim) throw std::invalid_argument("bad dimensions");
  const size_t dd = static_cast<size_t>(dim) * dim;
  if (mean.size() != static_cast<size_t>(input_dim) || projection.size() != static_cast<size_t>(dim) * input_dim ||
      between.size() != dd || within.size() != dd || within_per_frame.size() != dd)
    throw std::invalid_argument("tensor shapes do not match the dimensions");
  for (const auto* values : {&mean, &projection, &between, &within, &within_per_frame})
    if (!all_finite(*values)) throw std::invalid_argument("a parameter is not finite");
  require_positive_definite(between, dim, "between");
  require_positive_definite(within, dim, "within");
  // F may be singular (directions where frames do not vary) but not negative.
  SquareMatrix shifted = within_per_frame;
  for (int i = 0; i < dim; ++i) shifted[static_cast<size_t>(i) * dim + i] += 1e-9;
  require_positive_definite(shifted, dim, "within_per_frame");
  between_inverse = spd_inverse(between, dim);
  SquareMatrix l = between;
  cholesky(l, dim);
  log_det_between = log_det_from_cholesky(l, dim);
}

std::map<std::string, std::string> builtin_plda_metadata(const MfccConfig& mfcc) {
  return {{"format", kBuiltinPldaFormat},
          {"features", "mfcc c1..c" + std::to_string(mfcc.num_cepstra) + ", " + std::to_string(mfcc.num_mel_bands) +
                           " mel bands, normalised per file"},
          {"num_cepstra", std::to_string(mfcc.num_cepstra)},
          {"num_mel_bands", std::to_string(mfcc.num_mel_bands)}};
}

BuiltinPlda read_builtin_plda(const std::string& path, const MfccConfig& mfcc) {
  try {
    const SafetensorsFile file = read_safetensors(path);
    const auto meta = [&](const std::string& key) {
      const auto it = file.metadata.find(key);
      return it == file.metadata.end() ? std::string() : it->second;
    };
    if (meta("format") != kBuiltinPldaFormat) throw std::invalid_argument("not a " + std::string(kBuiltinPldaFormat) + " file");
    const auto expected = builtin_plda_metadata(mfcc);
    for (const char* key : {"num_cepstra", "num_mel_bands"})
      if (meta(key) != expected.at(key))
        throw std::invalid_argument(std::string("trained for ") + key + " " + meta(key) + ", the features have " +
                                    expected.at(key));
    BuiltinPlda plda;
    const TensorData& projection = file.at("projection");
    if (projection.shape.size() != 2) throw std::invalid_argument("projection must be a matrix");
    plda.dim = static_cast<int>(projection.shape[0]);
    plda.input_dim = static_cast<int>(projection.shape[1]);
    plda.projection = projection.to_f64();
    plda.mean = file.at("mean").to_f64();
    plda.between = file.at("between").to_f64();
    plda.within = file.at("within").to_f64();
    plda.within_per_frame = file.at("within_per_frame").to_f64();
    if (plda.input_dim != mfcc.num_cepstra) throw std::invalid_argument("projection does not take the MFCCs");
    plda.prepare();
    return plda;
  } catch (const std::exception& e) {
    throw std::runtime_error("built-in embedding parameters " + path + ": " + e.what());
  }
}

void SpeakerEvidence::merge(const SpeakerEvidence& other) {
  if (precision.empty()) { *this = other; return; }
  if (other.precision.empty()) return;
  for (size_t i = 0; i < precision.size(); ++i) precision[i] += other.precision[i];
  for (size_t i = 0; i < weighted.size(); ++i) weighted[i] += other.weighted[i];
}

void SpeakerEvidence::remove(const SpeakerEvidence& other) {
  if (other.precision.empty()) return;
  for (size_t i = 0; i < precision.size(); ++i) precision[i] -= other.precision[i];
  for (size_t i = 0; i < weighted.size(); ++i) weighted[i] -= other.weighted[i];
}

SpeakerEvidence track_evidence(const BuiltinPlda& plda, const GaussianStats& frames) {
  SpeakerEvidence e;
  const int q = plda.dim, d = plda.input_dim;
  e.precision.assign(static_cast<size_t>(q) * q, 0.0);
  e.weighted.assign(q, 0.0);
  if (frames.count <= 0.0 || frames.dim() != d) return e;
  std::vector<double> y(q, 0.0);
  for (int k = 0; k < q; ++k)
    for (int i = 0; i < d; ++i)
      y[k] += plda.projection[static_cast<size_t>(k) * d + i] * (frames.sum[i] / frames.count - plda.mean[i]);
  SquareMatrix covariance = plda.within;
  for (size_t i = 0; i < covariance.size(); ++i) covariance[i] += plda.within_per_frame[i] / frames.count;
  e.precision = spd_inverse(covariance, q);
  for (int k = 0; k < q; ++k)
    for (int j = 0; j < q; ++j) e.weighted[k] += e.precision[static_cast<size_t>(k) * q + j] * y[j];
  return e;
}

double evidence_score(const BuiltinPlda& plda, const SpeakerEvidence& evidence) {
  const int q = plda.dim;
  SquareMatrix posterior = plda.between_inverse;
  if (!evidence.precision.empty())
    for (size_t i = 0; i < posterior.size(); ++i) posterior[i] += evidence.precision[i];
  if (!cholesky(posterior, q)) return -std::numeric_limits<double>::infinity();
  std::vector<double> solved = evidence.weighted.empty() ? std::vector<double>(q, 0.0) : evidence.weighted;
  const std::vector<double> h = solved;
  cholesky_solve(posterior, q, solved.data());
  double quadratic = 0.0;
  for (int k = 0; k < q; ++k) quadratic += h[k] * solved[k];
  return -0.5 * log_det_from_cholesky(posterior, q) + 0.5 * quadratic;
}

double merge_log_likelihood_ratio(const BuiltinPlda& plda, const SpeakerEvidence& a, double score_a,
                                  const SpeakerEvidence& b, double score_b) {
  SpeakerEvidence both = a;
  both.merge(b);
  return 0.5 * plda.log_det_between + evidence_score(plda, both) - score_a - score_b;
}

}  // namespace diarize
