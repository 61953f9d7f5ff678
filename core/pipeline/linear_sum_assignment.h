// scipy.optimize.linear_sum_assignment as scipy 1.10.1 computes it: the shortest augmenting path
// algorithm for rectangular matrices (Crouse 2016, scipy's rectangular_lsap.cpp), with scipy's
// exact tie-breaking. community-1 assigns the local speakers of a chunk to clusters with it, and
// equal scores (inactive speakers, NaN embeddings) are common there, so "an optimal assignment" is
// not enough: it must be scipy's. `diarize score` maps speakers with it too.
#pragma once

#include <cstdint>
#include <vector>

namespace diarize {

// The pairs (row, column) of an optimal assignment, min(rows, cols) of them, rows ascending (as
// scipy returns them, including for tall matrices).
struct Assignment {
  std::vector<int64_t> rows;
  std::vector<int64_t> cols;
};

// `cost` is rows x cols, row-major. `maximize` negates the matrix first, as scipy does. Throws
// std::invalid_argument for a NaN or -inf entry (after the negation, so +inf with maximize), and
// when no finite assignment exists (scipy's "cost matrix is infeasible").
Assignment linear_sum_assignment(const std::vector<double>& cost, int64_t rows, int64_t cols, bool maximize = false);

}  // namespace diarize
