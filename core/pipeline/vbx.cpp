// VBx iterations with numpy's orders of summation where they are cheap to keep (row sums, column
// sums, the ELBO); the two N × K0 × D products go through the blocked kernel (dense_matmul.h).
#include "pipeline/vbx.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "pipeline/dense_matmul.h"
#include "pipeline/parallel_for.h"
#include "pipeline/upstream_arithmetic.h"

namespace diarize {

namespace {

// Column sums of a row-major [rows, cols] matrix, row after row (numpy's order for axis=0).
std::vector<double> column_sums(const std::vector<double>& m, int64_t rows, int64_t cols) {
  std::vector<double> sums(static_cast<size_t>(cols), 0.0);
  for (int64_t i = 0; i < rows; ++i) {
    const double* row = &m[static_cast<size_t>(i * cols)];
    for (int64_t k = 0; k < cols; ++k) sums[static_cast<size_t>(k)] += row[k];
  }
  return sums;
}

}  // namespace

VbxResult cluster_vbx(const std::vector<int64_t>& initial_clusters, const std::vector<double>& features, int64_t dim,
                      const std::vector<double>& phi, const VbxConfig& config) {
  const int64_t n = static_cast<int64_t>(initial_clusters.size());
  if (n == 0 || dim <= 0 || static_cast<int64_t>(features.size()) != n * dim ||
      static_cast<int64_t>(phi.size()) != dim)
    throw std::invalid_argument("cluster_vbx: features must be [N, dim] with N > 0 and phi [dim]");
  const int64_t k = *std::max_element(initial_clusters.begin(), initial_clusters.end()) + 1;
  if (*std::min_element(initial_clusters.begin(), initial_clusters.end()) < 0)
    throw std::invalid_argument("cluster_vbx: negative initial cluster");

  VbxResult r;
  r.num_points = n;
  r.num_speakers = k;
  const size_t nk = static_cast<size_t>(n * k);
  const int threads = std::max(1, config.threads);
  const int64_t min_rows = std::max<int64_t>(1, 65536 / k);

  // gamma0 = softmax(init_smoothing · onehot) per row: max-shifted exponentials over their
  // pairwise row sum, as scipy.special.softmax computes them.
  r.gamma.assign(nk, 0.0);
  {
    const double off = std::exp(0.0 - config.init_smoothing);
    parallel_for_rows(n, threads, min_rows, [&](int64_t first, int64_t last) {
      for (int64_t i = first; i < last; ++i) {
        double* row = &r.gamma[static_cast<size_t>(i * k)];
        std::fill_n(row, k, off);
        row[initial_clusters[static_cast<size_t>(i)]] = std::exp(config.init_smoothing - config.init_smoothing);
        const double sum = numpy_pairwise_sum(row, k);
        for (int64_t j = 0; j < k; ++j) row[j] = row[j] / sum;
      }
    });
  }
  r.pi.assign(static_cast<size_t>(k), 1.0 / static_cast<double>(k));

  // G = -0.5 (sum X² + D log 2π), rho = X · sqrt(Phi); rho is also kept transposed for gammaᵀ·rho.
  std::vector<double> g(static_cast<size_t>(n)), rho(static_cast<size_t>(n * dim)), rho_t(static_cast<size_t>(dim * n));
  {
    std::vector<double> squares(static_cast<size_t>(dim));
    const double log_two_pi = std::log(2.0 * M_PI);
    for (int64_t i = 0; i < n; ++i) {
      const double* x = &features[static_cast<size_t>(i * dim)];
      for (int64_t d = 0; d < dim; ++d) squares[static_cast<size_t>(d)] = x[d] * x[d];
      g[static_cast<size_t>(i)] = -0.5 * (numpy_pairwise_sum(squares.data(), dim) + static_cast<double>(dim) * log_two_pi);
      for (int64_t d = 0; d < dim; ++d) {
        const double v = x[d] * std::sqrt(phi[static_cast<size_t>(d)]);
        rho[static_cast<size_t>(i * dim + d)] = v;
        rho_t[static_cast<size_t>(d * n + i)] = v;
      }
    }
  }

  const DenseMatmul matmul = config.matmul ? config.matmul
                                           : DenseMatmul([threads](const double* a, const double* b, double* c, int64_t m,
                                                                   int64_t kk, int64_t nn) {
                                               dense_matmul(a, b, c, m, kk, nn, threads);
                                             });
  const double ratio = config.fa / config.fb;
  std::vector<double> stats_t(static_cast<size_t>(dim * k));  // (gammaᵀ rho)ᵀ, then alphaᵀ
  std::vector<double> quad(static_cast<size_t>(k)), log_prior(static_cast<size_t>(k)), log_px(static_cast<size_t>(n));
  r.alpha.assign(static_cast<size_t>(k * dim), 0.0);
  r.inv_l.assign(static_cast<size_t>(k * dim), 0.0);
  std::vector<double> elbo_terms(static_cast<size_t>(k * dim)), weighted(static_cast<size_t>(dim));

  for (int iter = 0; iter < config.max_iters; ++iter) {
    // Speaker models from the current responsibilities (eq. 16, 17).
    const std::vector<double> counts = column_sums(r.gamma, n, k);
    matmul(rho_t.data(), r.gamma.data(), stats_t.data(), dim, n, k);
    for (int64_t s = 0; s < k; ++s) {
      for (int64_t d = 0; d < dim; ++d) {
        const size_t sd = static_cast<size_t>(s * dim + d);
        const double inv_l = 1.0 / (1 + ratio * counts[static_cast<size_t>(s)] * phi[static_cast<size_t>(d)]);
        const double alpha = ratio * inv_l * stats_t[static_cast<size_t>(d * k + s)];
        r.inv_l[sd] = inv_l;
        r.alpha[sd] = alpha;
        stats_t[static_cast<size_t>(d * k + s)] = alpha;
        weighted[static_cast<size_t>(d)] = (inv_l + alpha * alpha) * phi[static_cast<size_t>(d)];
        elbo_terms[sd] = std::log(inv_l) - inv_l - alpha * alpha + 1;
      }
      double q = 0.0;  // (invL + alpha²)·Phi
      for (int64_t d = 0; d < dim; ++d) q += weighted[static_cast<size_t>(d)];
      quad[static_cast<size_t>(s)] = q;
      log_prior[static_cast<size_t>(s)] = std::log(r.pi[static_cast<size_t>(s)] + 1e-8);
    }

    // log p(x_n | speaker) (eq. 23), overwriting gamma, then the new responsibilities in place.
    matmul(rho.data(), stats_t.data(), r.gamma.data(), n, dim, k);
    parallel_for_rows(n, threads, min_rows, [&](int64_t first, int64_t last) {
      std::vector<double> shifted(static_cast<size_t>(k));
      for (int64_t i = first; i < last; ++i) {
        double* row = &r.gamma[static_cast<size_t>(i * k)];
        const double gi = g[static_cast<size_t>(i)];
        double peak = -INFINITY;
        for (int64_t s = 0; s < k; ++s) {
          row[s] = config.fa * (row[s] - 0.5 * quad[static_cast<size_t>(s)] + gi) + log_prior[static_cast<size_t>(s)];
          peak = std::max(peak, row[s]);
        }
        if (!std::isfinite(peak)) peak = 0.0;  // scipy's logsumexp shifts by 0 then
        // logsumexp: the shifted exponentials are summed pairwise. Upstream then takes
        // exp(row - logsumexp) afresh; dividing the shifted exponentials by their sum is the same
        // number to within a few ulps and halves the exponentials of this N × K0 loop.
        for (int64_t s = 0; s < k; ++s) shifted[static_cast<size_t>(s)] = std::exp(row[s] - peak);
        const double sum = numpy_pairwise_sum(shifted.data(), k);
        log_px[static_cast<size_t>(i)] = std::log(sum) + peak;
        for (int64_t s = 0; s < k; ++s) row[s] = shifted[static_cast<size_t>(s)] / sum;
      }
    });
    const double log_px_total = numpy_pairwise_sum(log_px.data(), n);
    r.pi = column_sums(r.gamma, n, k);
    const double pi_total = numpy_pairwise_sum(r.pi.data(), k);
    for (double& p : r.pi) p = p / pi_total;

    const double elbo = log_px_total + config.fb * 0.5 * numpy_pairwise_sum(elbo_terms.data(), k * dim);
    r.elbo.push_back(elbo);
    if (iter > 0 && elbo - r.elbo[r.elbo.size() - 2] < config.epsilon) break;
  }
  return r;
}

}  // namespace diarize
