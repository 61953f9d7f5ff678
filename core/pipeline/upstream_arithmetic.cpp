// numpy 1.24's pairwise summation (loops_utils.h) and the float32 helpers built on it.
#include "pipeline/upstream_arithmetic.h"

#include <stdexcept>

namespace diarize {

namespace {

template <typename T>
T pairwise_sum(const T* a, int64_t n) {
  if (n < 8) {
    T res = 0;
    for (int64_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    T r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

}  // namespace

float numpy_pairwise_sum(const float* values, int64_t count) { return pairwise_sum(values, count); }
double numpy_pairwise_sum(const double* values, int64_t count) { return pairwise_sum(values, count); }

int64_t numpy_argmax(const double* values, int64_t count) {
  int64_t best = 0;
  for (int64_t k = 0; k < count; ++k) {
    if (std::isnan(values[k])) return k;
    if (values[k] > values[best]) best = k;
  }
  return best;
}

std::vector<float> unit_rows_f32(const float* rows, int64_t num_rows, int64_t dim) {
  std::vector<float> unit(rows, rows + num_rows * dim);
  std::vector<float> squares(static_cast<size_t>(dim));
  for (int64_t i = 0; i < num_rows; ++i) {
    float* row = &unit[static_cast<size_t>(i * dim)];
    for (int64_t d = 0; d < dim; ++d) squares[static_cast<size_t>(d)] = row[d] * row[d];
    const float norm = std::sqrt(numpy_pairwise_sum(squares.data(), dim));
    if (!(norm > 0.0f) || !std::isfinite(norm))
      throw std::runtime_error("clustering: an embedding has zero or non-finite norm");
    for (int64_t d = 0; d < dim; ++d) row[d] = row[d] / norm;
  }
  return unit;
}

std::vector<float> mean_rows_f32(const float* data, int64_t dim, const std::vector<int64_t>& rows) {
  std::vector<float> sum(static_cast<size_t>(dim), 0.0f);
  for (const int64_t r : rows)
    for (int64_t d = 0; d < dim; ++d) sum[static_cast<size_t>(d)] += data[static_cast<size_t>(r * dim + d)];
  const float count = static_cast<float>(rows.size());
  for (float& v : sum) v = v / count;  // empty: 0/0 = NaN, as numpy's mean of nothing
  return sum;
}

}  // namespace diarize
