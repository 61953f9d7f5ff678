// Optimal assignment: hand-checked matrices and agreement with brute force on random ones.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "scoring/hungarian.h"

using namespace diarize;

namespace {

double total(const Matrix& m, const std::vector<int>& col_of_row) {
  double sum = 0.0;
  for (size_t r = 0; r < col_of_row.size(); ++r)
    if (col_of_row[r] >= 0) sum += m[r][static_cast<size_t>(col_of_row[r])];
  return sum;
}

// Best total over all ways to pair min(rows, cols) rows and columns one-to-one.
double brute_force_min(const Matrix& m) {
  const size_t rows = m.size(), cols = m[0].size();
  const bool tall = rows > cols;
  const size_t small = tall ? cols : rows, big = tall ? rows : cols;
  std::vector<size_t> perm(big);
  std::iota(perm.begin(), perm.end(), 0);
  double best = 1e300;
  do {  // the first `small` entries of each permutation of the big side pair with the small side
    double sum = 0.0;
    for (size_t i = 0; i < small; ++i) sum += tall ? m[perm[i]][i] : m[i][perm[i]];
    best = std::min(best, sum);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

void check_one_to_one(const std::vector<int>& col_of_row, size_t cols) {
  std::vector<int> used(cols, 0);
  size_t assigned = 0;
  for (int c : col_of_row)
    if (c >= 0) {
      REQUIRE(static_cast<size_t>(c) < cols);
      REQUIRE(++used[static_cast<size_t>(c)] == 1);
      ++assigned;
    }
  REQUIRE(assigned == std::min(col_of_row.size(), cols));
}

}  // namespace

TEST_CASE("Hungarian: square matrix with a known optimum", "[hungarian]") {
  // Greedy (take 1 at (0,0)) would then be forced into 5 + 7 = 13 in total; the optimum is
  // (0,1) + (1,0) + (2,2) = 2 + 2 + 3 = 7.
  const Matrix cost = {{1, 2, 9}, {2, 5, 9}, {9, 7, 3}};
  const auto a = min_cost_assignment(cost);
  CHECK(a == std::vector<int>{1, 0, 2});
  CHECK(total(cost, a) == 7.0);
}

TEST_CASE("Hungarian: maximising overlap on rectangular matrices", "[hungarian]") {
  // 2 reference x 3 hypothesis speakers: best is r0->h2 (8) + r1->h0 (6) = 14; r0->h0 (7) would
  // leave r1 at most 1.
  const Matrix wide = {{7, 0, 8}, {6, 1, 0}};
  const auto a = max_weight_assignment(wide);
  CHECK(a == std::vector<int>{2, 0});
  // 3 x 2: the transpose; one row stays unassigned (-1).
  const Matrix tall = {{7, 6}, {0, 1}, {8, 0}};
  const auto b = max_weight_assignment(tall);
  CHECK(b == std::vector<int>{1, -1, 0});
  CHECK(total(tall, b) == 14.0);
}

TEST_CASE("Hungarian: degenerate shapes and bad input", "[hungarian]") {
  CHECK(min_cost_assignment({}).empty());
  CHECK(min_cost_assignment({{}, {}}) == std::vector<int>{-1, -1});
  CHECK(min_cost_assignment({{4.0}}) == std::vector<int>{0});
  CHECK_THROWS_AS(min_cost_assignment({{1, 2}, {3}}), std::invalid_argument);
  CHECK_THROWS_AS(min_cost_assignment({{1, std::nan("")}}), std::invalid_argument);
}

TEST_CASE("Hungarian agrees with brute force on random matrices", "[hungarian]") {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<double> value(-5.0, 20.0);
  std::uniform_int_distribution<int> coarse(0, 3);  // many ties
  for (int trial = 0; trial < 300; ++trial) {
    const size_t rows = 1 + static_cast<size_t>(trial % 6), cols = 1 + static_cast<size_t>((trial / 6) % 6);
    Matrix m(rows, std::vector<double>(cols));
    for (auto& row : m)
      for (double& x : row) x = trial % 2 ? value(rng) : coarse(rng);
    const auto a = min_cost_assignment(m);
    REQUIRE(a.size() == rows);
    check_one_to_one(a, cols);
    // Exact sums of the same doubles in another order: 1e-9 absorbs the rounding.
    REQUIRE(total(m, a) == Approx(brute_force_min(m)).margin(1e-9));
  }
}
