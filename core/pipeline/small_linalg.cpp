// Cholesky and Jacobi on small matrices.
#include "pipeline/small_linalg.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace diarize {

bool cholesky(SquareMatrix& a, int d) {
  for (int j = 0; j < d; ++j) {
    double diag = a[static_cast<size_t>(j) * d + j];
    for (int k = 0; k < j; ++k) diag -= a[static_cast<size_t>(j) * d + k] * a[static_cast<size_t>(j) * d + k];
    if (!(diag > 0.0)) return false;
    const double l = std::sqrt(diag);
    a[static_cast<size_t>(j) * d + j] = l;
    for (int i = j + 1; i < d; ++i) {
      double v = a[static_cast<size_t>(i) * d + j];
      for (int k = 0; k < j; ++k) v -= a[static_cast<size_t>(i) * d + k] * a[static_cast<size_t>(j) * d + k];
      a[static_cast<size_t>(i) * d + j] = v / l;
    }
  }
  return true;
}

double log_det_from_cholesky(const SquareMatrix& l, int d) {
  double s = 0.0;
  for (int i = 0; i < d; ++i) s += std::log(l[static_cast<size_t>(i) * d + i]);
  return 2.0 * s;
}

void cholesky_solve(const SquareMatrix& l, int d, double* b) {
  for (int i = 0; i < d; ++i) {
    double v = b[i];
    for (int k = 0; k < i; ++k) v -= l[static_cast<size_t>(i) * d + k] * b[k];
    b[i] = v / l[static_cast<size_t>(i) * d + i];
  }
  for (int i = d - 1; i >= 0; --i) {
    double v = b[i];
    for (int k = i + 1; k < d; ++k) v -= l[static_cast<size_t>(k) * d + i] * b[k];
    b[i] = v / l[static_cast<size_t>(i) * d + i];
  }
}

SquareMatrix spd_inverse(const SquareMatrix& a, int d) {
  SquareMatrix l = a;
  if (!cholesky(l, d)) return {};
  SquareMatrix inverse(static_cast<size_t>(d) * d);
  std::vector<double> column(d);
  for (int j = 0; j < d; ++j) {
    std::fill(column.begin(), column.end(), 0.0);
    column[j] = 1.0;
    cholesky_solve(l, d, column.data());
    for (int i = 0; i < d; ++i) inverse[static_cast<size_t>(i) * d + j] = column[i];
  }
  return inverse;
}

void symmetric_eigen(SquareMatrix a, int d, std::vector<double>& values, SquareMatrix& vectors) {
  SquareMatrix v(static_cast<size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i) v[static_cast<size_t>(i) * d + i] = 1.0;
  auto at = [d](SquareMatrix& m, int i, int j) -> double& { return m[static_cast<size_t>(i) * d + j]; };
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = 0.0, scale = 0.0;
    for (int i = 0; i < d; ++i) {
      scale += at(a, i, i) * at(a, i, i);
      for (int j = i + 1; j < d; ++j) off += at(a, i, j) * at(a, i, j);
    }
    if (off <= 1e-30 * scale || off == 0.0) break;
    for (int p = 0; p < d; ++p)
      for (int q = p + 1; q < d; ++q) {
        const double apq = at(a, p, q);
        if (apq == 0.0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, symmetric Schur decomposition).
        const double theta = (at(a, q, q) - at(a, p, p)) / (2.0 * apq);
        const double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < d; ++k) {
          const double akp = at(a, k, p), akq = at(a, k, q);
          at(a, k, p) = c * akp - s * akq;
          at(a, k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < d; ++k) {
          const double apk = at(a, p, k), aqk = at(a, q, k);
          at(a, p, k) = c * apk - s * aqk;
          at(a, q, k) = s * apk + c * aqk;
        }
        for (int k = 0; k < d; ++k) {
          const double vkp = at(v, k, p), vkq = at(v, k, q);
          at(v, k, p) = c * vkp - s * vkq;
          at(v, k, q) = s * vkp + c * vkq;
        }
      }
  }
  std::vector<int> order(d);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return at(a, x, x) > at(a, y, y); });
  values.resize(d);
  vectors.assign(static_cast<size_t>(d) * d, 0.0);
  for (int k = 0; k < d; ++k) {
    values[k] = at(a, order[k], order[k]);
    for (int i = 0; i < d; ++i) vectors[static_cast<size_t>(i) * d + k] = at(v, i, order[k]);
  }
}

}  // namespace diarize
