// LSTM inference kernels (AVX-512, chosen at run time) and the weight repacking they need.
#include "nets/lstm_inference.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DIARIZE_LSTM_AVX512 1
#include <immintrin.h>
#define DIARIZE_AVX512_FN __attribute__((target("avx512f,avx2,fma")))
#define DIARIZE_AVX512BF16_FN __attribute__((target("avx512f,avx512bf16,avx2,fma")))
#else
#define DIARIZE_LSTM_AVX512 0
#endif

namespace diarize {

namespace {

constexpr int64_t kUnits = 16;             // hidden units per panel: one AVX-512 register per gate
constexpr int64_t kPanel = 4 * kUnits;     // floats per panel row: gates i, f, g, o of 16 units
constexpr int kRows = 4;                   // batch rows per step tile (16 accumulators)
constexpr int kProjectionRows = 6;         // rows per projection tile (24 accumulators + 4 weights)

std::atomic<bool> g_disabled_for_testing{false};

bool cpu_has_avx512() {
#if DIARIZE_LSTM_AVX512
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

// Also decides fast mode's bf16 embedding trunk (oneDNN would emulate bf16 without it, slower than
// float32), so the engine asks LstmInference::cpu_has_bf16_kernels() for both networks.
bool cpu_has_avx512_bf16() {
#if DIARIZE_LSTM_AVX512
  static const bool has = cpu_has_avx512() && __builtin_cpu_supports("avx512bf16");
  return has;
#else
  return false;
#endif
}

// [4H, in] gate-major rows → [H/16, in, 64]: panel p holds gates i, f, g, o of units 16p..16p+15,
// one row of 64 per input feature, so a kernel reads one panel row per multiply-add step.
at::Tensor to_panels(const at::Tensor& weight) {
  const int64_t hidden = weight.size(0) / 4, in = weight.size(1);
  return weight.reshape({4, hidden / kUnits, kUnits, in}).permute({1, 3, 0, 2}).contiguous().reshape(
      {hidden / kUnits, in, kPanel});
}

// to_panels' [P, K, 64] float32 → [P, K/2, 64, 2] bfloat16: for each pair of inputs, each of the 64
// columns holds its two weights side by side, the operand layout of vdpbf16ps. K must be even.
at::Tensor panels_to_bf16(const at::Tensor& panels) {
  const int64_t p = panels.size(0), k = panels.size(1);
  return panels.reshape({p, k / 2, 2, kPanel}).permute({0, 1, 3, 2}).contiguous().to(at::kBFloat16);
}

// [4H] → [H/16 * 64] in the panel order of to_panels.
at::Tensor bias_to_panels(const at::Tensor& bias) {
  const int64_t hidden = bias.size(0) / 4;
  return bias.reshape({4, hidden / kUnits, kUnits}).permute({1, 0, 2}).contiguous().reshape({-1});
}

#if DIARIZE_LSTM_AVX512

// GCC 12 warns about _mm512_undefined_ps() inside its own intrinsics (a self-initialised
// placeholder) wherever they are inlined; nothing here reads an uninitialised value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// exp(x) for x in [-80, 80] (inputs are clamped there; the gates saturate long before): Cephes'
// expf range reduction and degree-6 polynomial, 2^n applied exactly with scalef. Relative error
// about 1e-7 (2 ulp), measured in test/models/test_lstm_inference.cpp through the LSTM outputs.
DIARIZE_AVX512_FN inline __m512 exp_avx512(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-80.0f)), _mm512_set1_ps(80.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  // x - n ln2 in two steps (ln2 = 0.693359375 - 2.12194440e-4) so r keeps its low bits.
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
  p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

DIARIZE_AVX512_FN inline __m512 sigmoid_avx512(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

// tanh: 1 - 2 / (1 + e^2x) for |x| >= 0.625, Cephes' odd polynomial below, where the former would
// lose relative precision (both about 1e-7 relative, like the Sleef tanh ATen uses).
DIARIZE_AVX512_FN inline __m512 tanh_avx512(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 e = exp_avx512(_mm512_add_ps(x, x));
  const __m512 large = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(one, e)));
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  const __mmask16 is_small = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(is_small, large, small);
}

// acc[r] += a[r][0..K) · panel[K][64], each sum over k in order (the rounding torch's BLAS gives).
template <int R>
DIARIZE_AVX512_FN inline void accumulate_panel(const float* a, int64_t lda, int64_t k_size, const float* panel,
                                               __m512 (&acc)[R][4]) {
  for (int64_t k = 0; k < k_size; ++k) {
    const float* w = panel + k * kPanel;
    const __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16), w2 = _mm512_loadu_ps(w + 32),
                 w3 = _mm512_loadu_ps(w + 48);
    for (int r = 0; r < R; ++r) {
      const __m512 x = _mm512_set1_ps(a[r * lda + k]);
      acc[r][0] = _mm512_fmadd_ps(x, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, w1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(x, w2, acc[r][2]);
      acc[r][3] = _mm512_fmadd_ps(x, w3, acc[r][3]);
    }
  }
}

// c[R rows][64 columns] = a[R rows][K] · panel[K][64] + bias. Each sum runs over k in order from
// zero and takes the bias last, like the BLAS GEMM behind ATen's addmm, so that rounding follows
// torch's LSTM as closely as possible (the goldens came from it).
template <int R>
DIARIZE_AVX512_FN void projection_tile(const float* a, int64_t lda, int64_t k_size, const float* panel,
                                       const float* bias, float* c, int64_t ldc) {
  __m512 acc[R][4];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
  accumulate_panel<R>(a, lda, k_size, panel, acc);
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, _mm512_add_ps(acc[r][v], _mm512_loadu_ps(bias + 16 * v)));
}

// Rows [row_begin, row_end) of out[M, panels * 64] = a[M, K] · panels + bias.
DIARIZE_AVX512_FN void project_rows(const float* a, int64_t k_size, const float* panels, int64_t num_panels,
                                    const float* bias, float* out, int64_t row_begin, int64_t row_end) {
  const int64_t ldc = num_panels * kPanel;
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kProjectionRows) {
    const int64_t rows = std::min<int64_t>(kProjectionRows, row_end - r0);
    for (int64_t q = 0; q < num_panels; ++q) {
      const float* panel = panels + q * k_size * kPanel;
      const float* ar = a + r0 * k_size;
      float* c = out + r0 * ldc + q * kPanel;
      switch (rows) {
        case 6: projection_tile<6>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
        case 5: projection_tile<5>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
        case 4: projection_tile<4>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
        case 3: projection_tile<3>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
        case 2: projection_tile<2>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
        default: projection_tile<1>(ar, k_size, k_size, panel, bias + q * kPanel, c, ldc); break;
      }
    }
  }
}

// acc (the recurrent products) + b_hh + the input projection → gates → c(t) and h(t), in registers.
template <int R>
DIARIZE_AVX512_FN inline void gates_to_state(__m512 (&acc)[R][4], const float* gates_in, int64_t ld_gates,
                                             const float* bias_hh, bool has_prev, float* cell, int64_t ld_cell,
                                             float* h_out, int64_t ld_h) {
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v)
      acc[r][v] = _mm512_add_ps(_mm512_add_ps(acc[r][v], _mm512_loadu_ps(bias_hh + 16 * v)),
                                _mm512_loadu_ps(gates_in + r * ld_gates + 16 * v));
  for (int r = 0; r < R; ++r) {
    const __m512 i = sigmoid_avx512(acc[r][0]), f = sigmoid_avx512(acc[r][1]), g = tanh_avx512(acc[r][2]),
                 o = sigmoid_avx512(acc[r][3]);
    // c(t) = f c(t-1) + i g, evaluated as torch does (two products, then the sum).
    const __m512 c_prev = has_prev ? _mm512_loadu_ps(cell + r * ld_cell) : _mm512_setzero_ps();
    const __m512 c = _mm512_add_ps(_mm512_mul_ps(f, c_prev), _mm512_mul_ps(i, g));
    _mm512_storeu_ps(cell + r * ld_cell, c);
    _mm512_storeu_ps(h_out + r * ld_h, _mm512_mul_ps(o, tanh_avx512(c)));
  }
}

// One time step of one direction for R batch rows and 16 hidden units: gates = (h(t-1) · panel +
// b_hh) + (x(t) W_ih + b_ih), in torch's order, then the cell update, all in registers.
template <int R>
DIARIZE_AVX512_FN void step_tile(const float* gates_in, int64_t ld_gates, const float* h_prev, int64_t ld_h,
                                 int64_t hidden, const float* panel, const float* bias_hh, float* cell,
                                 int64_t ld_cell, float* h_out) {
  __m512 acc[R][4];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
  if (h_prev != nullptr) accumulate_panel<R>(h_prev, ld_h, hidden, panel, acc);
  gates_to_state<R>(acc, gates_in, ld_gates, bias_hh, h_prev != nullptr, cell, ld_cell, h_out, ld_h);
}

// All time steps of one direction. gates [B, T, D * 4H] in panel order (input projections + b_ih),
// panels and bias_hh this direction's, out [B, T, D * H], cell [B, H] scratch.
DIARIZE_AVX512_FN void run_direction(const float* gates, const float* panels, const float* bias_hh,
                                     int64_t direction, int64_t directions,
                                     int64_t batch, int64_t steps, int64_t hidden, float* cell, float* out) {
  const int64_t panels_per_direction = hidden / kUnits;
  const int64_t ld_gates = steps * directions * 4 * hidden, ld_h = steps * directions * hidden;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = direction == 0 ? s : steps - 1 - s;
    const int64_t t_prev = direction == 0 ? t - 1 : t + 1;
    for (int64_t p = 0; p < panels_per_direction; ++p) {
      const float* panel = panels + p * hidden * kPanel;
      const float* b_hh = bias_hh + p * kPanel;
      for (int64_t b0 = 0; b0 < batch; b0 += kRows) {
        const float* g = gates + b0 * ld_gates + t * directions * 4 * hidden + (direction * panels_per_direction + p) * kPanel;
        const float* h_prev = s == 0 ? nullptr : out + b0 * ld_h + t_prev * directions * hidden + direction * hidden;
        float* c = cell + b0 * hidden + p * kUnits;
        float* h = out + b0 * ld_h + t * directions * hidden + direction * hidden + p * kUnits;
        switch (std::min<int64_t>(kRows, batch - b0)) {
          case 4: step_tile<4>(g, ld_gates, h_prev, ld_h, hidden, panel, b_hh, c, hidden, h); break;
          case 3: step_tile<3>(g, ld_gates, h_prev, ld_h, hidden, panel, b_hh, c, hidden, h); break;
          case 2: step_tile<2>(g, ld_gates, h_prev, ld_h, hidden, panel, b_hh, c, hidden, h); break;
          default: step_tile<1>(g, ld_gates, h_prev, ld_h, hidden, panel, b_hh, c, hidden, h); break;
        }
      }
    }
  }
}

// --- bf16 products (AVX-512 BF16). Operand a is bf16 pairs (uint32 each: inputs k and k+1), the
// panel [K/2][64][2] bf16; each vdpbf16ps adds both products of a pair to a float32 accumulator.

template <int R>
DIARIZE_AVX512BF16_FN inline void accumulate_panel_bf16(const uint32_t* a, int64_t lda, int64_t k_pairs,
                                                        const uint16_t* panel, __m512 (&acc)[R][4]) {
  for (int64_t k = 0; k < k_pairs; ++k) {
    const uint16_t* w = panel + k * 2 * kPanel;
    const __m512bh w0 = (__m512bh)_mm512_loadu_si512(w), w1 = (__m512bh)_mm512_loadu_si512(w + 32),
                   w2 = (__m512bh)_mm512_loadu_si512(w + 64), w3 = (__m512bh)_mm512_loadu_si512(w + 96);
    for (int r = 0; r < R; ++r) {
      const __m512bh x = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r * lda + k]));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, w0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, w1);
      acc[r][2] = _mm512_dpbf16_ps(acc[r][2], x, w2);
      acc[r][3] = _mm512_dpbf16_ps(acc[r][3], x, w3);
    }
  }
}

// n floats (n a multiple of 32) → n/2 bf16 pairs, rounded to nearest even.
DIARIZE_AVX512BF16_FN inline void to_bf16_pairs(const float* x, int64_t n, uint32_t* out) {
  for (int64_t i = 0; i < n; i += 32) {
    const __m512bh pairs = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(x + i));
    _mm512_storeu_si512(out + i / 2, (__m512i)pairs);
  }
}

template <int R>
DIARIZE_AVX512BF16_FN void projection_tile_bf16(const uint32_t* a, int64_t lda, int64_t k_pairs, const uint16_t* panel,
                                                const float* bias, float* c, int64_t ldc) {
  __m512 acc[R][4];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
  accumulate_panel_bf16<R>(a, lda, k_pairs, panel, acc);
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, _mm512_add_ps(acc[r][v], _mm512_loadu_ps(bias + 16 * v)));
}

// project_rows with bf16 operands: a is [M, K/2] bf16 pairs.
DIARIZE_AVX512BF16_FN void project_rows_bf16(const uint32_t* a, int64_t k_pairs, const uint16_t* panels,
                                             int64_t num_panels, const float* bias, float* out, int64_t row_begin,
                                             int64_t row_end) {
  const int64_t ldc = num_panels * kPanel;
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kProjectionRows) {
    const int64_t rows = std::min<int64_t>(kProjectionRows, row_end - r0);
    for (int64_t q = 0; q < num_panels; ++q) {
      const uint16_t* panel = panels + q * k_pairs * 2 * kPanel;
      const uint32_t* ar = a + r0 * k_pairs;
      float* c = out + r0 * ldc + q * kPanel;
      switch (rows) {
        case 6: projection_tile_bf16<6>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
        case 5: projection_tile_bf16<5>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
        case 4: projection_tile_bf16<4>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
        case 3: projection_tile_bf16<3>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
        case 2: projection_tile_bf16<2>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
        default: projection_tile_bf16<1>(ar, k_pairs, k_pairs, panel, bias + q * kPanel, c, ldc); break;
      }
    }
  }
}

template <int R>
DIARIZE_AVX512BF16_FN void step_tile_bf16(const float* gates_in, int64_t ld_gates, const uint32_t* h_prev,
                                          int64_t hidden, const uint16_t* panel, const float* bias_hh, float* cell,
                                          int64_t ld_cell, float* h_out, int64_t ld_h) {
  __m512 acc[R][4];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
  if (h_prev != nullptr) accumulate_panel_bf16<R>(h_prev, hidden / 2, hidden / 2, panel, acc);
  gates_to_state<R>(acc, gates_in, ld_gates, bias_hh, h_prev != nullptr, cell, ld_cell, h_out, ld_h);
}

// run_direction with bf16 products: h(t-1) of all batch rows is rounded to bf16 pairs once per step.
DIARIZE_AVX512BF16_FN void run_direction_bf16(const float* gates, const uint16_t* panels, const float* bias_hh,
                                              int64_t direction, int64_t directions, int64_t batch, int64_t steps,
                                              int64_t hidden, float* cell, float* out, uint32_t* h_pairs) {
  const int64_t panels_per_direction = hidden / kUnits;
  const int64_t ld_gates = steps * directions * 4 * hidden, ld_h = steps * directions * hidden;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = direction == 0 ? s : steps - 1 - s;
    const int64_t t_prev = direction == 0 ? t - 1 : t + 1;
    if (s > 0)
      for (int64_t b = 0; b < batch; ++b)
        to_bf16_pairs(out + b * ld_h + t_prev * directions * hidden + direction * hidden, hidden, h_pairs + b * hidden / 2);
    for (int64_t p = 0; p < panels_per_direction; ++p) {
      const uint16_t* panel = panels + p * hidden * kPanel;
      const float* b_hh = bias_hh + p * kPanel;
      for (int64_t b0 = 0; b0 < batch; b0 += kRows) {
        const float* g = gates + b0 * ld_gates + t * directions * 4 * hidden + (direction * panels_per_direction + p) * kPanel;
        const uint32_t* h_prev = s == 0 ? nullptr : h_pairs + b0 * hidden / 2;
        float* c = cell + b0 * hidden + p * kUnits;
        float* h = out + b0 * ld_h + t * directions * hidden + direction * hidden + p * kUnits;
        switch (std::min<int64_t>(kRows, batch - b0)) {
          case 4: step_tile_bf16<4>(g, ld_gates, h_prev, hidden, panel, b_hh, c, hidden, h, ld_h); break;
          case 3: step_tile_bf16<3>(g, ld_gates, h_prev, hidden, panel, b_hh, c, hidden, h, ld_h); break;
          case 2: step_tile_bf16<2>(g, ld_gates, h_prev, hidden, panel, b_hh, c, hidden, h, ld_h); break;
          default: step_tile_bf16<1>(g, ld_gates, h_prev, hidden, panel, b_hh, c, hidden, h, ld_h); break;
        }
      }
    }
  }
}

#pragma GCC diagnostic pop

#endif  // DIARIZE_LSTM_AVX512

}  // namespace

bool LstmInference::supports(const at::Tensor& input, int64_t hidden_size) {
  return cpu_has_avx512() && !g_disabled_for_testing.load() && input.device().is_cpu() &&
         input.scalar_type() == at::kFloat && input.dim() == 3 && hidden_size > 0 && hidden_size % kUnits == 0 &&
         !at::GradMode::is_enabled();
}

bool LstmInference::cpu_has_kernels() { return cpu_has_avx512(); }

bool LstmInference::cpu_has_bf16_kernels() { return cpu_has_avx512_bf16(); }

void LstmInference::set_bf16(bool enabled) {
  TORCH_CHECK(!enabled || cpu_has_avx512_bf16(), "LSTM inference: this CPU has no AVX-512 BF16");
  bf16_ = enabled;
}

void LstmInference::disable_for_testing(bool disabled) { g_disabled_for_testing.store(disabled); }

void LstmInference::repack_if_changed(const std::vector<at::Tensor>& flat_weights, int64_t num_layers,
                                      bool bidirectional) {
  const int64_t directions = bidirectional ? 2 : 1;
  std::vector<std::pair<const void*, int64_t>> signature;
  bool versioned = true;
  for (const at::Tensor& w : flat_weights) {
    versioned = versioned && !w.is_inference();
    signature.emplace_back(w.data_ptr(), w.is_inference() ? -1 : static_cast<int64_t>(w._version()));
  }
  // Inference tensors have no version counter: repack on every call rather than risk stale weights.
  if (versioned && signature == packed_from_ && directions == directions_ && packed_bf16_ == bf16_) return;

  const int64_t hidden = flat_weights[1].size(1);
  std::vector<Layer> layers;
  for (int64_t l = 0; l < num_layers; ++l) {
    std::vector<at::Tensor> input_panels, input_biases, recurrent_panels, recurrent_biases;
    for (int64_t d = 0; d < directions; ++d) {
      const at::Tensor* w = &flat_weights[(l * directions + d) * 4];
      const at::Tensor w_ih = w[0].to(at::kFloat), w_hh = w[1].to(at::kFloat);
      TORCH_CHECK(w_ih.dim() == 2 && w_ih.size(0) == 4 * hidden && (l == 0 || w_ih.size(1) == directions * hidden) &&
                      w_hh.sizes() == at::IntArrayRef({4 * hidden, hidden}) && w[2].numel() == 4 * hidden &&
                      w[3].numel() == 4 * hidden,
                  "LSTM inference: layer ", l, " has weight shapes ", w_ih.sizes(), " and ", w_hh.sizes());
      input_panels.push_back(to_panels(w_ih));
      recurrent_panels.push_back(to_panels(w_hh));
      input_biases.push_back(bias_to_panels(w[2].to(at::kFloat)));
      recurrent_biases.push_back(bias_to_panels(w[3].to(at::kFloat)));
    }
    Layer layer;
    layer.input_size = flat_weights[l * directions * 4].size(1);
    layer.input_panels = at::cat(input_panels, 0).contiguous();
    layer.input_bias = at::cat(input_biases, 0).contiguous();
    layer.recurrent_bias = at::stack(recurrent_biases, 0).contiguous();
    layer.recurrent_panels = at::stack(recurrent_panels, 0).contiguous();
    if (bf16_) {
      TORCH_CHECK(layer.input_size % 2 == 0 && hidden % 32 == 0,
                  "LSTM inference in bf16 needs an even input size and a hidden size that is a multiple of 32");
      layer.input_panels_bf16 = panels_to_bf16(layer.input_panels);
      layer.recurrent_panels_bf16 =
          panels_to_bf16(layer.recurrent_panels.reshape({-1, hidden, kPanel})).reshape({directions, hidden / kUnits, hidden / 2, kPanel, 2});
    }
    layers.push_back(std::move(layer));
  }
  layers_ = std::move(layers);
  hidden_size_ = hidden;
  directions_ = directions;
  packed_bf16_ = bf16_;
  packed_from_ = versioned ? std::move(signature) : std::vector<std::pair<const void*, int64_t>>{};
}

at::Tensor LstmInference::forward(const at::Tensor& input, const std::vector<at::Tensor>& flat_weights,
                                  int64_t num_layers, bool bidirectional) {
  TORCH_CHECK(num_layers > 0 && static_cast<int64_t>(flat_weights.size()) == num_layers * (bidirectional ? 2 : 1) * 4,
              "LSTM inference needs weight_ih, weight_hh, bias_ih and bias_hh for each layer and direction, got ",
              flat_weights.size(), " tensors");
  TORCH_CHECK(flat_weights[1].dim() == 2 && supports(input, flat_weights[1].size(1)),
              "LSTM inference: unsupported input or CPU (check LstmInference::supports first)");
#if DIARIZE_LSTM_AVX512
  repack_if_changed(flat_weights, num_layers, bidirectional);
  const int64_t batch = input.size(0), steps = input.size(1), hidden = hidden_size_, directions = directions_;
  TORCH_CHECK(input.size(2) == layers_.front().input_size, "LSTM inference: input has ", input.size(2),
              " features, the first layer expects ", layers_.front().input_size);
  if (batch == 0 || steps == 0) return at::zeros({batch, steps, directions * hidden}, input.options());
  at::Tensor x = input.contiguous();
  for (const Layer& layer : layers_) {
    const int64_t rows = batch * steps, num_panels = directions * hidden / kUnits;
    at::Tensor gates = at::empty({batch, steps, directions * 4 * hidden}, input.options());
    const float* xp = x.data_ptr<float>();
    const float* panels = layer.input_panels.data_ptr<float>();
    const float* bias = layer.input_bias.data_ptr<float>();
    float* gp = gates.data_ptr<float>();
    // bf16 operands: the layer input rounded once (round to nearest even, as vcvtne2ps2bf16 does).
    const at::Tensor x_bf16 = bf16_ ? x.to(at::kBFloat16).contiguous() : at::Tensor();
    // Grain of 64 rows keeps tiny inputs on one thread.
    at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) {
      if (bf16_)
        project_rows_bf16(reinterpret_cast<const uint32_t*>(x_bf16.data_ptr<at::BFloat16>()), layer.input_size / 2,
                          reinterpret_cast<const uint16_t*>(layer.input_panels_bf16.data_ptr<at::BFloat16>()),
                          num_panels, bias, gp, begin, end);
      else
        project_rows(xp, layer.input_size, panels, num_panels, bias, gp, begin, end);
    });
    at::Tensor out = at::empty({batch, steps, directions * hidden}, input.options());
    at::Tensor cell = at::empty({directions, batch, hidden}, input.options());
    float* op = out.data_ptr<float>();
    float* cp = cell.data_ptr<float>();
    const float* recurrent = layer.recurrent_panels.data_ptr<float>();
    const float* recurrent_bias = layer.recurrent_bias.data_ptr<float>();
    // The directions are independent: one thread each (no per-step synchronisation), rather than
    // splitting each tiny step GEMM across threads.
    at::Tensor h_pairs = bf16_ ? at::empty({directions, batch, hidden / 2}, input.options().dtype(at::kInt)) : at::Tensor();
    at::parallel_for(0, directions, 1, [&](int64_t begin, int64_t end) {
      for (int64_t d = begin; d < end; ++d) {
        const int64_t panel_offset = d * (hidden / kUnits) * hidden * kPanel;
        if (bf16_)
          run_direction_bf16(gp, reinterpret_cast<const uint16_t*>(layer.recurrent_panels_bf16.data_ptr<at::BFloat16>()) + panel_offset,
                             recurrent_bias + d * 4 * hidden, d, directions, batch, steps, hidden, cp + d * batch * hidden, op,
                             reinterpret_cast<uint32_t*>(h_pairs.data_ptr<int32_t>()) + d * batch * hidden / 2);
        else
          run_direction(gp, recurrent + panel_offset, recurrent_bias + d * 4 * hidden, d, directions, batch, steps, hidden,
                        cp + d * batch * hidden, op);
      }
    });
    x = out;
  }
  return x;
#else
  (void)num_layers;
  (void)bidirectional;
  return input;  // unreachable: supports() is false without the AVX-512 kernels
#endif
}

}  // namespace diarize
