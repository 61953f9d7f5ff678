// delta-BIC with a per-side evidence cap, and Gaussian log-likelihoods.
#include "pipeline/builtin_delta_bic.h"

#include <cmath>
#include <limits>

#include "pipeline/small_linalg.h"

namespace diarize {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double log_det_covariance(const GaussianStats& stats, double floor) {
  const int d = stats.dim();
  SquareMatrix cov = stats.covariance(floor);
  if (!cholesky(cov, d)) return kInf;
  return log_det_from_cholesky(cov, d);
}

// The same Gaussian with its evidence scaled down to at most `max_frames` frames. Without this,
// delta-BIC's fit term grows linearly with the amount of speech while the penalty grows with its
// logarithm, so two voices that stay together in a 30 s file come apart in a 1 h one.
GaussianStats capped(const GaussianStats& stats, double max_frames) {
  if (max_frames <= 0.0 || stats.count <= max_frames) return stats;
  GaussianStats out = stats;
  const double scale = max_frames / stats.count;
  out.count = max_frames;
  for (double& v : out.sum) v *= scale;
  for (double& v : out.scatter) v *= scale;
  return out;
}

}  // namespace

double mean_log_likelihood(const GaussianStats& x, const GaussianStats& model, double floor) {
  const int d = model.dim();
  SquareMatrix l = model.covariance(floor);
  if (!cholesky(l, d) || x.count <= 0.0) return -kInf;
  const std::vector<double> mu = model.mean();
  const std::vector<double> mx = x.mean();
  const SquareMatrix cx = x.covariance(0.0);
  double trace = 0.0;
  std::vector<double> column(d);
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < d; ++i) column[i] = cx[static_cast<size_t>(i) * d + j];
    cholesky_solve(l, d, column.data());
    trace += column[j];
  }
  std::vector<double> diff(d);
  for (int i = 0; i < d; ++i) diff[i] = mx[i] - mu[i];
  std::vector<double> solved = diff;
  cholesky_solve(l, d, solved.data());
  double mahalanobis = 0.0;
  for (int i = 0; i < d; ++i) mahalanobis += diff[i] * solved[i];
  return -0.5 * (log_det_from_cholesky(l, d) + trace + mahalanobis);
}

double delta_bic(const GaussianStats& full_a, const GaussianStats& full_b, const DeltaBicConfig& config) {
  const GaussianStats a = capped(full_a, config.max_frames_per_side);
  const GaussianStats b = capped(full_b, config.max_frames_per_side);
  GaussianStats both = a;
  both.merge(b);
  const int d = a.dim();
  const double n = both.count;
  const double fit = 0.5 * (n * log_det_covariance(both, config.covariance_floor) -
                            a.count * log_det_covariance(a, config.covariance_floor) -
                            b.count * log_det_covariance(b, config.covariance_floor));
  const double num_parameters = d + 0.5 * d * (d + 1);
  return fit - config.penalty_weight * 0.5 * num_parameters * std::log(n);
}

}  // namespace diarize
