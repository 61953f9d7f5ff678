// Hungarian algorithm with row/column potentials (shortest augmenting paths), O(n^2 m).
#include "scoring/hungarian.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace diarize {

namespace {

// Square-or-wide case: rows <= cols, every row gets a column. 1-based internally so that
// column 0 can stand for "the row being inserted" in the augmenting-path search.
std::vector<int> assign_rows(const Matrix& a, size_t rows, size_t cols) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(rows + 1, 0.0), v(cols + 1, 0.0);
  std::vector<size_t> row_of_col(cols + 1, 0), way(cols + 1, 0);
  for (size_t i = 1; i <= rows; ++i) {
    row_of_col[0] = i;
    size_t j0 = 0;
    std::vector<double> min_slack(cols + 1, inf);
    std::vector<bool> used(cols + 1, false);
    do {
      used[j0] = true;
      const size_t i0 = row_of_col[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= cols; ++j) {
        if (used[j]) continue;
        const double slack = a[i0 - 1][j - 1] - u[i0] - v[j];
        if (slack < min_slack[j]) {
          min_slack[j] = slack;
          way[j] = j0;
        }
        if (min_slack[j] < delta) {
          delta = min_slack[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= cols; ++j) {
        if (used[j]) {
          u[row_of_col[j]] += delta;
          v[j] -= delta;
        } else {
          min_slack[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of_col[j0] != 0);
    do {  // flip the augmenting path
      const size_t j1 = way[j0];
      row_of_col[j0] = row_of_col[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> col_of_row(rows, -1);
  for (size_t j = 1; j <= cols; ++j)
    if (row_of_col[j] != 0) col_of_row[row_of_col[j] - 1] = static_cast<int>(j - 1);
  return col_of_row;
}

}  // namespace

std::vector<int> min_cost_assignment(const Matrix& cost) {
  const size_t rows = cost.size();
  if (rows == 0) return {};
  const size_t cols = cost[0].size();
  for (const auto& row : cost) {
    if (row.size() != cols) throw std::invalid_argument("assignment matrix has rows of different lengths");
    for (double x : row)
      if (!std::isfinite(x)) throw std::invalid_argument("assignment matrix has a non-finite entry");
  }
  if (cols == 0) return std::vector<int>(rows, -1);
  if (rows <= cols) return assign_rows(cost, rows, cols);
  // Tall: assign every column to a row on the transpose, then invert.
  Matrix transposed(cols, std::vector<double>(rows));
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) transposed[j][i] = cost[i][j];
  const std::vector<int> row_of_col = assign_rows(transposed, cols, rows);
  std::vector<int> col_of_row(rows, -1);
  for (size_t j = 0; j < cols; ++j) col_of_row[static_cast<size_t>(row_of_col[j])] = static_cast<int>(j);
  return col_of_row;
}

std::vector<int> max_weight_assignment(const Matrix& weight) {
  Matrix cost = weight;
  for (auto& row : cost)
    for (double& x : row) x = -x;
  return min_cost_assignment(cost);
}

}  // namespace diarize
