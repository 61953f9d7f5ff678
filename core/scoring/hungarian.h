// Optimal one-to-one assignment on rectangular matrices of doubles, as scipy's
// linear_sum_assignment finds it (pipeline/linear_sum_assignment.h): maps reference speakers to
// hypothesis speakers for DER (most overlap) and JER (least error).
#pragma once

#include <vector>

namespace diarize {

// rows x cols matrix, row-major as nested vectors; every row has the same length.
using Matrix = std::vector<std::vector<double>>;

// The assignment of min(rows, cols) pairs, no row or column used twice, minimising the sum of
// `cost[row][col]` over the pairs. Returns, for each row, its column or -1 (more rows than
// columns). O(n^2 m) with n = min(rows, cols), m = max(rows, cols). Throws std::invalid_argument
// on ragged rows or non-finite entries.
std::vector<int> min_cost_assignment(const Matrix& cost);

// Same, maximising the sum of `weight[row][col]` (e.g. overlap time), by negation as scipy's
// maximize=True does.
std::vector<int> max_weight_assignment(const Matrix& weight);

}  // namespace diarize
