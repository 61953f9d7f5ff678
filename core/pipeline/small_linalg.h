// Dense linear algebra on the small symmetric matrices of the built-in embedding (at most a few
// dozen rows): Cholesky, solves, log-determinants and a Jacobi eigen-decomposition. Plain loops in
// double precision, deterministic (the trainer's output must be the same bytes on every run).
#pragma once

#include <vector>

namespace diarize {

// Row-major d x d.
using SquareMatrix = std::vector<double>;

// In-place Cholesky factor (lower triangle; the upper one is left as it was) of a symmetric
// positive-definite matrix; false when it is not.
bool cholesky(SquareMatrix& a, int d);

// log det(A) from A's Cholesky factor.
double log_det_from_cholesky(const SquareMatrix& l, int d);

// Solves L L^T x = b in place.
void cholesky_solve(const SquareMatrix& l, int d, double* b);

// Inverse of a symmetric positive-definite matrix; empty when it is not.
SquareMatrix spd_inverse(const SquareMatrix& a, int d);

// Eigen-decomposition of a symmetric matrix (cyclic Jacobi): values in descending order,
// vectors[i * d + k] = component i of the k-th eigenvector (columns).
void symmetric_eigen(SquareMatrix a, int d, std::vector<double>& values, SquareMatrix& vectors);

}  // namespace diarize
