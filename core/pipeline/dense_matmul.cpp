// Goto-style blocking: B is packed in panels of kDepth rows × kWidth columns (8-column strips,
// contiguous), and each 4×8 tile of C accumulates in registers over a panel's depth.
#include "pipeline/dense_matmul.h"

#include <algorithm>
#include <vector>

#include "pipeline/parallel_for.h"

namespace diarize {

namespace {

constexpr int64_t kTileRows = 4;
constexpr int64_t kTileCols = 8;
constexpr int64_t kDepth = 128;   // rows of B per panel
constexpr int64_t kWidth = 256;   // columns of B per panel (128 × 256 doubles = 256 KiB)

// Packs B[p0:p0+depth, j0:j0+width] as width/8 strips of [depth][8], zero-padding the last strip.
void pack_panel(const double* b, int64_t n, int64_t p0, int64_t depth, int64_t j0, int64_t width, double* packed) {
  const int64_t strips = (width + kTileCols - 1) / kTileCols;
  for (int64_t s = 0; s < strips; ++s) {
    double* strip = packed + s * depth * kTileCols;
    const int64_t cols = std::min(kTileCols, width - s * kTileCols);
    for (int64_t p = 0; p < depth; ++p) {
      const double* src = b + (p0 + p) * n + j0 + s * kTileCols;
      double* dst = strip + p * kTileCols;
      for (int64_t c = 0; c < cols; ++c) dst[c] = src[c];
      for (int64_t c = cols; c < kTileCols; ++c) dst[c] = 0.0;
    }
  }
}

// C[rows, 8] += A[rows, depth] · strip[depth, 8], rows <= 4 (A rows `lda` apart, C rows `ldc`).
__attribute__((target_clones("avx2", "default")))
void tile(const double* a, int64_t lda, const double* strip, int64_t depth, double* c, int64_t ldc, int64_t rows,
          int64_t cols) {
  double acc[kTileRows][kTileCols] = {};
  if (rows == kTileRows) {
    const double* a0 = a;
    const double* a1 = a + lda;
    const double* a2 = a + 2 * lda;
    const double* a3 = a + 3 * lda;
    for (int64_t p = 0; p < depth; ++p) {
      const double* bp = strip + p * kTileCols;
      const double x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
      for (int64_t j = 0; j < kTileCols; ++j) {
        acc[0][j] += x0 * bp[j];
        acc[1][j] += x1 * bp[j];
        acc[2][j] += x2 * bp[j];
        acc[3][j] += x3 * bp[j];
      }
    }
  } else {
    for (int64_t p = 0; p < depth; ++p) {
      const double* bp = strip + p * kTileCols;
      for (int64_t r = 0; r < rows; ++r) {
        const double x = a[r * lda + p];
        for (int64_t j = 0; j < kTileCols; ++j) acc[r][j] += x * bp[j];
      }
    }
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] += acc[r][j];
}

void rows_of_product(const double* a, const double* b, double* c, int64_t row_begin, int64_t row_end, int64_t k,
                     int64_t n) {
  for (int64_t i = row_begin; i < row_end; ++i) std::fill_n(c + i * n, n, 0.0);
  std::vector<double> packed(static_cast<size_t>(kDepth * ((kWidth + kTileCols - 1) / kTileCols) * kTileCols));
  for (int64_t p0 = 0; p0 < k; p0 += kDepth) {
    const int64_t depth = std::min(kDepth, k - p0);
    for (int64_t j0 = 0; j0 < n; j0 += kWidth) {
      const int64_t width = std::min(kWidth, n - j0);
      pack_panel(b, n, p0, depth, j0, width, packed.data());
      for (int64_t i = row_begin; i < row_end; i += kTileRows) {
        const int64_t rows = std::min(kTileRows, row_end - i);
        for (int64_t s = 0; s * kTileCols < width; ++s)
          tile(a + i * k + p0, k, packed.data() + s * depth * kTileCols, depth, c + i * n + j0 + s * kTileCols, n, rows,
               std::min(kTileCols, width - s * kTileCols));
      }
    }
  }
}

}  // namespace

void dense_matmul(const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n, int threads) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    std::fill_n(c, m * n, 0.0);
    return;
  }
  // Whole 4-row tiles per thread; small products stay on the calling thread.
  const int64_t tiles = (m + kTileRows - 1) / kTileRows;
  const int64_t min_tiles = std::max<int64_t>(1, (int64_t(1) << 20) / std::max<int64_t>(1, kTileRows * n * k));
  parallel_for_rows(tiles, threads, min_tiles, [&](int64_t first, int64_t last) {
    rows_of_product(a, b, c, first * kTileRows, std::min(m, last * kTileRows), k, n);
  });
}

}  // namespace diarize
