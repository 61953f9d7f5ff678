// scipy 1.10.1 linear_sum_assignment: known answers, including scipy's choices between equal-cost
// assignments (constant and tall matrices), maximisation and refusals.
#include <catch2/catch.hpp>

#include <cmath>

#include "pipeline/linear_sum_assignment.h"

using namespace diarize;

TEST_CASE("linear_sum_assignment: scipy's documented example", "[lsap]") {
  const Assignment a = linear_sum_assignment({4, 1, 3, 2, 0, 5, 3, 2, 2}, 3, 3);
  CHECK(a.rows == std::vector<int64_t>{0, 1, 2});
  CHECK(a.cols == std::vector<int64_t>{1, 0, 2});  // total 5
  const Assignment m = linear_sum_assignment({4, 1, 3, 2, 0, 5, 3, 2, 2}, 3, 3, true);
  CHECK(m.cols == std::vector<int64_t>{0, 2, 1});  // 4 + 5 + 2 = 11
}

TEST_CASE("linear_sum_assignment: ties are broken as scipy breaks them", "[lsap]") {
  // A constant matrix gives the identity (scipy issue #11602), wide or tall.
  CHECK(linear_sum_assignment(std::vector<double>(9, 0.0), 3, 3).cols == std::vector<int64_t>{0, 1, 2});
  const Assignment wide = linear_sum_assignment(std::vector<double>(6, 1.0), 2, 3);
  CHECK(wide.cols == std::vector<int64_t>{0, 1});
  const Assignment tall = linear_sum_assignment(std::vector<double>(6, 1.0), 3, 2);
  CHECK(tall.rows == std::vector<int64_t>{0, 1});
  CHECK(tall.cols == std::vector<int64_t>{0, 1});
  // Tall matrices come back sorted by row: column 0 goes to row 2, column 1 to row 0.
  const Assignment sorted = linear_sum_assignment({5, 1, 9, 9, 0, 9}, 3, 2);
  CHECK(sorted.rows == std::vector<int64_t>{0, 2});
  CHECK(sorted.cols == std::vector<int64_t>{1, 0});
}

TEST_CASE("linear_sum_assignment: empty, NaN, -inf and infeasible matrices", "[lsap]") {
  CHECK(linear_sum_assignment({}, 0, 3).rows.empty());
  CHECK(linear_sum_assignment({}, 2, 0).rows.empty());
  CHECK_THROWS_AS(linear_sum_assignment({1, NAN, 2, 3}, 2, 2), std::invalid_argument);
  CHECK_THROWS_AS(linear_sum_assignment({1, -INFINITY, 2, 3}, 2, 2), std::invalid_argument);
  CHECK_THROWS_AS(linear_sum_assignment({1, INFINITY, 2, 3}, 2, 2, true), std::invalid_argument);  // -inf once negated
  CHECK_THROWS_AS(linear_sum_assignment({INFINITY, INFINITY, 1, 2}, 2, 2), std::invalid_argument);
  CHECK_THROWS_AS(linear_sum_assignment({1, 2, 3}, 2, 2), std::invalid_argument);
}
