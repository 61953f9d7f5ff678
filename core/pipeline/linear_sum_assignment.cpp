// Rectangular linear sum assignment, step for step as scipy 1.10.1 runs it (shortest augmenting
// paths with dual variables, one row at a time). The order of every scan and comparison below is
// what decides between equal-cost assignments, so it follows scipy's, not a textbook's.
#include "pipeline/linear_sum_assignment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace diarize {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The working state of one solve on a matrix with rows <= cols.
struct Solver {
  int64_t nr = 0, nc = 0;
  const std::vector<double>& cost;
  std::vector<double> u, v, shortest;
  std::vector<int64_t> path, col4row, row4col, remaining;
  std::vector<char> row_seen, col_seen;

  Solver(const std::vector<double>& c, int64_t rows, int64_t cols)
      : nr(rows), nc(cols), cost(c), u(rows, 0.0), v(cols, 0.0), shortest(cols), path(cols, -1),
        col4row(rows, -1), row4col(cols, -1), remaining(cols), row_seen(rows), col_seen(cols) {}

  // Dijkstra-like search from free row `start` to a free column; returns that column (the sink)
  // and the path length in `min_val`, or -1 when every remaining column is at infinite cost.
  int64_t shortest_augmenting_path(int64_t start, double& min_val) {
    // Columns are scanned from the last to the first (so that a constant matrix yields the
    // identity), and a scanned column is replaced by the last remaining one.
    int64_t num_remaining = nc;
    for (int64_t it = 0; it < nc; ++it) remaining[static_cast<size_t>(it)] = nc - it - 1;
    std::fill(row_seen.begin(), row_seen.end(), 0);
    std::fill(col_seen.begin(), col_seen.end(), 0);
    std::fill(shortest.begin(), shortest.end(), kInf);

    min_val = 0.0;
    int64_t i = start;
    while (true) {
      int64_t index = -1;
      double lowest = kInf;
      row_seen[static_cast<size_t>(i)] = 1;
      for (int64_t it = 0; it < num_remaining; ++it) {
        const int64_t j = remaining[static_cast<size_t>(it)];
        const size_t sj = static_cast<size_t>(j);
        const double reduced = min_val + cost[static_cast<size_t>(i * nc + j)] - u[static_cast<size_t>(i)] - v[sj];
        if (reduced < shortest[sj]) {
          path[sj] = i;
          shortest[sj] = reduced;
        }
        // Among equally short columns, prefer one that is still free: it ends the path.
        if (shortest[sj] < lowest || (shortest[sj] == lowest && row4col[sj] == -1)) {
          lowest = shortest[sj];
          index = it;
        }
      }
      min_val = lowest;
      if (min_val == kInf) return -1;
      const int64_t j = remaining[static_cast<size_t>(index)];
      col_seen[static_cast<size_t>(j)] = 1;
      remaining[static_cast<size_t>(index)] = remaining[static_cast<size_t>(--num_remaining)];
      if (row4col[static_cast<size_t>(j)] == -1) return j;
      i = row4col[static_cast<size_t>(j)];
    }
  }

  void solve() {
    for (int64_t current = 0; current < nr; ++current) {
      double min_val = 0.0;
      const int64_t sink = shortest_augmenting_path(current, min_val);
      if (sink < 0) throw std::invalid_argument("linear_sum_assignment: the cost matrix is infeasible");

      u[static_cast<size_t>(current)] += min_val;
      for (int64_t i = 0; i < nr; ++i)
        if (row_seen[static_cast<size_t>(i)] && i != current)
          u[static_cast<size_t>(i)] += min_val - shortest[static_cast<size_t>(col4row[static_cast<size_t>(i)])];
      for (int64_t j = 0; j < nc; ++j)
        if (col_seen[static_cast<size_t>(j)]) v[static_cast<size_t>(j)] -= min_val - shortest[static_cast<size_t>(j)];

      // Flip the path: each row on it takes the column it was reached through.
      int64_t j = sink;
      while (true) {
        const int64_t i = path[static_cast<size_t>(j)];
        row4col[static_cast<size_t>(j)] = i;
        std::swap(col4row[static_cast<size_t>(i)], j);
        if (i == current) break;
      }
    }
  }
};

}  // namespace

Assignment linear_sum_assignment(const std::vector<double>& cost, int64_t rows, int64_t cols, bool maximize) {
  if (rows < 0 || cols < 0 || static_cast<int64_t>(cost.size()) != rows * cols)
    throw std::invalid_argument("linear_sum_assignment: the matrix is not " + std::to_string(rows) + " x " +
                                std::to_string(cols));
  Assignment out;
  if (rows == 0 || cols == 0) return out;

  // Tall matrices are solved transposed (every row of the working matrix gets a column).
  const bool transpose = cols < rows;
  const int64_t nr = transpose ? cols : rows, nc = transpose ? rows : cols;
  std::vector<double> work(cost.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      const double x = cost[static_cast<size_t>(i * cols + j)];
      work[static_cast<size_t>(transpose ? j * rows + i : i * cols + j)] = maximize ? -x : x;
    }
  for (const double x : work)
    if (std::isnan(x) || x == -kInf)
      throw std::invalid_argument("linear_sum_assignment: the matrix contains NaN or -inf");

  Solver solver(work, nr, nc);
  solver.solve();

  out.rows.resize(static_cast<size_t>(nr));
  out.cols.resize(static_cast<size_t>(nr));
  if (transpose) {
    // Back to the caller's orientation, sorted by the caller's row.
    std::vector<int64_t> order(static_cast<size_t>(nr));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return solver.col4row[static_cast<size_t>(a)] < solver.col4row[static_cast<size_t>(b)];
    });
    for (size_t k = 0; k < order.size(); ++k) {
      out.rows[k] = solver.col4row[static_cast<size_t>(order[k])];
      out.cols[k] = order[k];
    }
  } else {
    for (int64_t i = 0; i < nr; ++i) {
      out.rows[static_cast<size_t>(i)] = i;
      out.cols[static_cast<size_t>(i)] = solver.col4row[static_cast<size_t>(i)];
    }
  }
  return out;
}

}  // namespace diarize
