// The scorer's assignments, through the same scipy-exact solver the community-1 clustering uses
// (pipeline/linear_sum_assignment.h), so that `diarize score` maps speakers as pyannote.metrics
// does, ties included.
#include "scoring/hungarian.h"

#include <cmath>
#include <stdexcept>

#include "pipeline/linear_sum_assignment.h"

namespace diarize {

namespace {

std::vector<int> assign(const Matrix& matrix, bool maximize) {
  const size_t rows = matrix.size();
  if (rows == 0) return {};
  const size_t cols = matrix[0].size();
  std::vector<double> flat;
  flat.reserve(rows * cols);
  for (const auto& row : matrix) {
    if (row.size() != cols) throw std::invalid_argument("assignment matrix has rows of different lengths");
    for (const double x : row) {
      if (!std::isfinite(x)) throw std::invalid_argument("assignment matrix has a non-finite entry");
      flat.push_back(x);
    }
  }
  std::vector<int> col_of_row(rows, -1);
  const Assignment pairs =
      linear_sum_assignment(flat, static_cast<int64_t>(rows), static_cast<int64_t>(cols), maximize);
  for (size_t k = 0; k < pairs.rows.size(); ++k)
    col_of_row[static_cast<size_t>(pairs.rows[k])] = static_cast<int>(pairs.cols[k]);
  return col_of_row;
}

}  // namespace

std::vector<int> min_cost_assignment(const Matrix& cost) { return assign(cost, false); }

std::vector<int> max_weight_assignment(const Matrix& weight) { return assign(weight, true); }

}  // namespace diarize
