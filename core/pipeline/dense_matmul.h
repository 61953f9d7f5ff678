// C = A·B for the dense double products of VBx (N×K responsibilities against N×128 features, with
// N and K up to 8192): a cache-blocked kernel with a 4×8 register tile, an AVX2 clone chosen at run
// time where the CPU has it, and the rows of C split over threads. No BLAS: the parent and the
// LibTorch-free tests link the same code. Sums run over the inner index in blocks, so results differ
// from a naive loop (and from numpy's BLAS) in the last bits only.
#pragma once

#include <cstdint>

namespace diarize {

// A is M×K, B is K×N, C is M×N, all row-major and contiguous; C is overwritten. `threads` >= 1.
void dense_matmul(const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n, int threads = 1);

}  // namespace diarize
