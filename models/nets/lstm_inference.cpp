// LSTM inference kernels (AVX-512, chosen at run time) and the weight repacking they need.
#include "nets/lstm_inference.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <type_traits>

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
DIARIZE_AVX512_FN inline void zero(__m512 (&acc)[R][4]) {
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
}

// c[R rows][64 columns] = acc + bias: the bias comes last, like the BLAS GEMM behind ATen's addmm,
// so that rounding follows torch's LSTM as closely as possible (the goldens came from it).
template <int R>
DIARIZE_AVX512_FN inline void store_plus_bias(__m512 (&acc)[R][4], const float* bias, float* c, int64_t ldc) {
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 4; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, _mm512_add_ps(acc[r][v], _mm512_loadu_ps(bias + 16 * v)));
}

// The two operand formats of the products, as policies of project_rows and run_direction. A "step"
// of the sum is one input (float32) or one pair of inputs (bf16); a panel holds 64 weights per input
// either way. The tiles: projection c[R][64] = a[R][steps] · panel + bias; recurrent step: gates =
// (h(t-1) · panel + b_hh) + the input projection, in torch's order, then the cell update, in registers.
struct Float32Products {
  using Operand = float;
  using Weight = float;
  static constexpr int64_t kInputsPerStep = 1;

  template <int R>
  DIARIZE_AVX512_FN static void projection_tile(const float* a, int64_t lda, int64_t steps, const float* panel,
                                                const float* bias, float* c, int64_t ldc) {
    __m512 acc[R][4];
    zero<R>(acc);
    accumulate_panel<R>(a, lda, steps, panel, acc);
    store_plus_bias<R>(acc, bias, c, ldc);
  }

  template <int R>
  DIARIZE_AVX512_FN static void step_tile(const float* gates_in, int64_t ld_gates, const float* h_prev, int64_t ld_prev,
                                          int64_t steps, const float* panel, const float* bias_hh, float* cell,
                                          int64_t ld_cell, float* h_out, int64_t ld_h) {
    __m512 acc[R][4];
    zero<R>(acc);
    if (h_prev != nullptr) accumulate_panel<R>(h_prev, ld_prev, steps, panel, acc);
    gates_to_state<R>(acc, gates_in, ld_gates, bias_hh, h_prev != nullptr, cell, ld_cell, h_out, ld_h);
  }

  // h(t-1) of every batch row as operands: float32 reads it where it is.
  static const float* previous_h(const float* h, int64_t ld_h, int64_t /*batch*/, int64_t /*hidden*/,
                                 uint32_t* /*scratch*/, int64_t& ld_prev) {
    ld_prev = ld_h;
    return h;
  }
};

struct Bf16Products {
  using Operand = uint32_t;  // a bf16 pair: inputs k and k+1
  using Weight = uint16_t;   // panels [steps][64][2]
  static constexpr int64_t kInputsPerStep = 2;

  template <int R>
  DIARIZE_AVX512BF16_FN static void projection_tile(const uint32_t* a, int64_t lda, int64_t steps, const uint16_t* panel,
                                                    const float* bias, float* c, int64_t ldc) {
    __m512 acc[R][4];
    zero<R>(acc);
    accumulate_panel_bf16<R>(a, lda, steps, panel, acc);
    store_plus_bias<R>(acc, bias, c, ldc);
  }

  template <int R>
  DIARIZE_AVX512BF16_FN static void step_tile(const float* gates_in, int64_t ld_gates, const uint32_t* h_prev,
                                              int64_t ld_prev, int64_t steps, const uint16_t* panel,
                                              const float* bias_hh, float* cell, int64_t ld_cell, float* h_out,
                                              int64_t ld_h) {
    __m512 acc[R][4];
    zero<R>(acc);
    if (h_prev != nullptr) accumulate_panel_bf16<R>(h_prev, ld_prev, steps, panel, acc);
    gates_to_state<R>(acc, gates_in, ld_gates, bias_hh, h_prev != nullptr, cell, ld_cell, h_out, ld_h);
  }

  // h(t-1) of every batch row rounded to bf16 pairs once per step, into scratch [batch][hidden / 2].
  DIARIZE_AVX512BF16_FN static const uint32_t* previous_h(const float* h, int64_t ld_h, int64_t batch, int64_t hidden,
                                                          uint32_t* scratch, int64_t& ld_prev) {
    for (int64_t b = 0; b < batch; ++b) to_bf16_pairs(h + b * ld_h, hidden, scratch + b * hidden / 2);
    ld_prev = hidden / 2;
    return scratch;
  }
};

// f(std::integral_constant<int, R>{}) with R = min(rows, Max) >= 1: the tiles are unrolled per row count.
template <int Max, typename F>
void with_row_count(int64_t rows, F&& f) {
  if constexpr (Max > 1) {
    if (rows < Max) return with_row_count<Max - 1>(rows, f);
  }
  f(std::integral_constant<int, Max>{});
}

// Rows [row_begin, row_end) of out[M, panels * 64] = a[M, steps] · panels + bias.
template <class Products>
void project_rows(const typename Products::Operand* a, int64_t steps, const typename Products::Weight* panels,
                  int64_t num_panels, const float* bias, float* out, int64_t row_begin, int64_t row_end) {
  const int64_t ldc = num_panels * kPanel;
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kProjectionRows) {
    for (int64_t q = 0; q < num_panels; ++q) {
      const typename Products::Weight* panel = panels + q * steps * Products::kInputsPerStep * kPanel;
      with_row_count<kProjectionRows>(row_end - r0, [&](auto rows) {
        Products::template projection_tile<decltype(rows)::value>(a + r0 * steps, steps, steps, panel,
                                                                   bias + q * kPanel, out + r0 * ldc + q * kPanel, ldc);
      });
    }
  }
}

// All time steps of one direction. gates [B, T, D * 4H] in panel order (input projections + b_ih),
// panels and bias_hh this direction's, out [B, T, D * H]; cell [B, H] and, for bf16 operands,
// scratch [B, H / 2] are work space.
template <class Products>
void run_direction(const float* gates, const typename Products::Weight* panels, const float* bias_hh,
                   int64_t direction, int64_t directions, int64_t batch, int64_t steps, int64_t hidden, float* cell,
                   float* out, uint32_t* scratch) {
  const int64_t panels_per_direction = hidden / kUnits, sum_steps = hidden / Products::kInputsPerStep;
  const int64_t ld_gates = steps * directions * 4 * hidden, ld_h = steps * directions * hidden;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = direction == 0 ? s : steps - 1 - s;
    const int64_t t_prev = direction == 0 ? t - 1 : t + 1;
    const typename Products::Operand* h_rows = nullptr;
    int64_t ld_prev = 0;
    if (s > 0)
      h_rows = Products::previous_h(out + t_prev * directions * hidden + direction * hidden, ld_h, batch, hidden,
                                    scratch, ld_prev);
    for (int64_t p = 0; p < panels_per_direction; ++p) {
      const typename Products::Weight* panel = panels + p * hidden * kPanel;
      const float* b_hh = bias_hh + p * kPanel;
      for (int64_t b0 = 0; b0 < batch; b0 += kRows) {
        const float* g = gates + b0 * ld_gates + t * directions * 4 * hidden + (direction * panels_per_direction + p) * kPanel;
        const typename Products::Operand* h_prev = h_rows ? h_rows + b0 * ld_prev : nullptr;
        float* c = cell + b0 * hidden + p * kUnits;
        float* h = out + b0 * ld_h + t * directions * hidden + direction * hidden + p * kUnits;
        with_row_count<kRows>(batch - b0, [&](auto rows) {
          Products::template step_tile<decltype(rows)::value>(g, ld_gates, h_prev, ld_prev, sum_steps, panel, b_hh, c,
                                                              hidden, h, ld_h);
        });
      }
    }
  }
}

// One layer in one operand format: the input projections of both directions for every step (one
// GEMM), then each direction's recurrence on its own thread (independent, so no per-step
// synchronisation, rather than splitting each tiny step GEMM across threads). scratch: [D, B, H / 2]
// for bf16 operands, unused (null) for float32.
template <class Products>
void run_layer(const typename Products::Operand* x, int64_t input_steps, const typename Products::Weight* input_panels,
               const float* input_bias, const typename Products::Weight* recurrent_panels, const float* recurrent_bias,
               int64_t batch, int64_t steps, int64_t hidden, int64_t directions, float* gates, float* cell, float* out,
               uint32_t* scratch) {
  const int64_t num_panels = directions * hidden / kUnits;
  // Grain of 64 rows keeps tiny inputs on one thread.
  at::parallel_for(0, batch * steps, 64, [&](int64_t begin, int64_t end) {
    project_rows<Products>(x, input_steps, input_panels, num_panels, input_bias, gates, begin, end);
  });
  at::parallel_for(0, directions, 1, [&](int64_t begin, int64_t end) {
    for (int64_t d = begin; d < end; ++d)
      run_direction<Products>(gates, recurrent_panels + d * (hidden / kUnits) * hidden * kPanel,
                              recurrent_bias + d * 4 * hidden, d, directions, batch, steps, hidden,
                              cell + d * batch * hidden, out, scratch ? scratch + d * batch * hidden / 2 : nullptr);
  });
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
    at::Tensor gates = at::empty({batch, steps, directions * 4 * hidden}, input.options());
    at::Tensor out = at::empty({batch, steps, directions * hidden}, input.options());
    at::Tensor cell = at::empty({directions, batch, hidden}, input.options());
    const float* input_bias = layer.input_bias.data_ptr<float>();
    const float* recurrent_bias = layer.recurrent_bias.data_ptr<float>();
    if (bf16_) {
      // The layer input rounded once (to nearest even, as vcvtne2ps2bf16 rounds h(t-1)).
      const at::Tensor x_bf16 = x.to(at::kBFloat16).contiguous();
      at::Tensor scratch = at::empty({directions, batch, hidden / 2}, input.options().dtype(at::kInt));
      auto bf16_weights = [](const at::Tensor& t) { return reinterpret_cast<const uint16_t*>(t.data_ptr<at::BFloat16>()); };
      run_layer<Bf16Products>(reinterpret_cast<const uint32_t*>(x_bf16.data_ptr<at::BFloat16>()), layer.input_size / 2,
                              bf16_weights(layer.input_panels_bf16), input_bias, bf16_weights(layer.recurrent_panels_bf16),
                              recurrent_bias, batch, steps, hidden, directions, gates.data_ptr<float>(),
                              cell.data_ptr<float>(), out.data_ptr<float>(),
                              reinterpret_cast<uint32_t*>(scratch.data_ptr<int32_t>()));
    } else {
      run_layer<Float32Products>(x.data_ptr<float>(), layer.input_size, layer.input_panels.data_ptr<float>(), input_bias,
                                 layer.recurrent_panels.data_ptr<float>(), recurrent_bias, batch, steps, hidden,
                                 directions, gates.data_ptr<float>(), cell.data_ptr<float>(), out.data_ptr<float>(),
                                 nullptr);
    }
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
