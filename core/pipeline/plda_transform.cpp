// The x-vector transform and the PLDA projection, in upstream's order of operations and in double
// (the float32 inputs, lda and mean2 are upcast by numpy the same way).
#include "pipeline/plda_transform.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "pipeline/upstream_arithmetic.h"

namespace diarize {

PldaTransform make_plda_transform(const PldaModel& model) {
  PldaTransform p;
  p.input_dim = static_cast<int64_t>(model.mean1.size());
  p.lda_dim = static_cast<int64_t>(model.mean2.size());
  const int64_t d = p.lda_dim;
  if (static_cast<int64_t>(model.lda.size()) != p.input_dim * d || static_cast<int64_t>(model.mu.size()) != d ||
      static_cast<int64_t>(model.tr.size()) != d * d || static_cast<int64_t>(model.psi.size()) != d)
    throw std::invalid_argument("make_plda_transform: inconsistent PLDA shapes");
  p.mean1 = model.mean1;
  p.mean2 = model.mean2;
  p.lda = model.lda;
  p.mu = model.mu;
  std::vector<int64_t> order(static_cast<size_t>(d));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return model.psi[static_cast<size_t>(a)] > model.psi[static_cast<size_t>(b)]; });
  p.transform.resize(static_cast<size_t>(d * d));
  p.phi.resize(static_cast<size_t>(d));
  for (int64_t i = 0; i < d; ++i) {
    const int64_t row = order[static_cast<size_t>(i)];
    p.phi[static_cast<size_t>(i)] = model.psi[static_cast<size_t>(row)];
    std::copy_n(&model.tr[static_cast<size_t>(row * d)], d, &p.transform[static_cast<size_t>(i * d)]);
  }
  return p;
}

namespace {

// x / np.linalg.norm(x) for one row of doubles, times `scale` (numpy: scale * (x / norm)).
void scaled_unit_row(double* row, int64_t dim, double scale, std::vector<double>& squares) {
  for (int64_t j = 0; j < dim; ++j) squares[static_cast<size_t>(j)] = row[j] * row[j];
  const double norm = std::sqrt(numpy_pairwise_sum(squares.data(), dim));
  for (int64_t j = 0; j < dim; ++j) row[j] = scale * (row[j] / norm);
}

}  // namespace

std::vector<double> plda_xvector(const PldaTransform& plda, const float* embeddings, int64_t n) {
  const int64_t in = plda.input_dim, out = plda.lda_dim;
  const double in_scale = std::sqrt(static_cast<double>(in)), out_scale = std::sqrt(static_cast<double>(out));
  std::vector<double> result(static_cast<size_t>(n * out));
  std::vector<double> centred(static_cast<size_t>(in)), squares(static_cast<size_t>(std::max(in, out)));
  for (int64_t i = 0; i < n; ++i) {
    // sqrt(256) * l2_norm(x - mean1)
    for (int64_t j = 0; j < in; ++j)
      centred[static_cast<size_t>(j)] = static_cast<double>(embeddings[i * in + j]) - plda.mean1[static_cast<size_t>(j)];
    scaled_unit_row(centred.data(), in, in_scale, squares);
    // (lda.T @ that.T).T - mean2, then sqrt(128) * l2_norm(...)
    double* y = &result[static_cast<size_t>(i * out)];
    for (int64_t k = 0; k < out; ++k) {
      double dot = 0.0;
      for (int64_t j = 0; j < in; ++j) dot += plda.lda[static_cast<size_t>(j * out + k)] * centred[static_cast<size_t>(j)];
      y[k] = dot - plda.mean2[static_cast<size_t>(k)];
    }
    scaled_unit_row(y, out, out_scale, squares);
  }
  return result;
}

std::vector<double> plda_features(const PldaTransform& plda, const float* embeddings, int64_t n) {
  const int64_t d = plda.lda_dim;
  std::vector<double> x = plda_xvector(plda, embeddings, n);
  std::vector<double> features(static_cast<size_t>(n * d));
  std::vector<double> centred(static_cast<size_t>(d));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) centred[static_cast<size_t>(j)] = x[static_cast<size_t>(i * d + j)] - plda.mu[static_cast<size_t>(j)];
    for (int64_t k = 0; k < d; ++k) {
      const double* direction = &plda.transform[static_cast<size_t>(k * d)];
      double dot = 0.0;
      for (int64_t j = 0; j < d; ++j) dot += centred[static_cast<size_t>(j)] * direction[j];
      features[static_cast<size_t>(i * d + k)] = dot;
    }
  }
  return features;
}

}  // namespace diarize
