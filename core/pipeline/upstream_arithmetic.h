// numpy's and scipy's floating-point reductions in the order they perform them, for the results
// that must match upstream to the last bit (or close enough that no cluster decision moves):
// pairwise summation, float32 row normalisation and means, cdist's cosine distance.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace diarize {

// np.add.reduce over a contiguous run: 8 accumulators up to 128 elements, halving above (numpy's
// pairwise summation). Used by np.sum, np.linalg.norm(axis=-1) and np.mean along the last axis.
float numpy_pairwise_sum(const float* values, int64_t count);
double numpy_pairwise_sum(const double* values, int64_t count);

// rows / np.linalg.norm(rows, axis=1, keepdims=True) on float32 rows (row-major, `dim` columns):
// squares, pairwise sum and square root in float32, then a float32 division. Throws
// std::runtime_error when a row's norm is zero or not finite.
std::vector<float> unit_rows_f32(const float* rows, int64_t num_rows, int64_t dim);

// np.mean(data[rows], axis=0) of float32 rows: a float32 running sum row after row (numpy reduces
// a non-contiguous axis sequentially), then a float32 division. No rows: NaN, as numpy.
std::vector<float> mean_rows_f32(const float* data, int64_t dim, const std::vector<int64_t>& rows);

// np.argmax over `count` doubles: the first NaN if there is one (numpy treats NaN as the largest),
// else the first maximum.
int64_t numpy_argmax(const double* values, int64_t count);

// scipy.spatial.distance.cdist(u, v, "cosine") for one pair, in double: 1 - u.v / (|u| |v|),
// the cosine clipped to [-1, 1]. NaN in, NaN out.
template <typename U, typename V>
double cosine_distance(const U* u, const V* v, int64_t dim) {
  double dot = 0.0, uu = 0.0, vv = 0.0;
  for (int64_t d = 0; d < dim; ++d) {
    const double a = static_cast<double>(u[d]), b = static_cast<double>(v[d]);
    uu += a * a;
    vv += b * b;
    dot += a * b;
  }
  double cosine = dot / (std::sqrt(uu) * std::sqrt(vv));
  if (std::fabs(cosine) > 1.0) cosine = std::copysign(1.0, cosine);
  return 1.0 - cosine;
}

}  // namespace diarize
