// Multi-layer (bi)directional LSTM inference for CPU float32 tensors, batch-first, with the same
// results as torch::nn::LSTM in eval mode (to float rounding). Exists because ATen's CPU LSTM runs
// about ten small operators per time step and direction (the recurrent GEMM through OpenBLAS, which
// this CPU's OpenBLAS runs at a fraction of its AVX-512 speed for a [32 x 128] x [128 x 512] product)
// and PyanNet's 4 x 2 x 589 steps make that most of segmentation's time.
//
// How: weights are repacked once (cached until a weight changes) into panels of 16 hidden units x
// 4 gates; per layer, one GEMM computes the input projections of both directions for all time steps,
// then each direction runs its 589 steps on its own thread, each step one fused AVX-512 kernel that
// multiplies h(t-1) by the recurrent panel and applies the gate non-linearities in registers.
//
// Usage:
//   LstmInference fast;                                       // empty cache
//   if (LstmInference::supports(x, lstm->options.hidden_size()))
//     y = fast.forward(x, lstm->all_weights(), num_layers, bidirectional);  // [B, T, D*H]
// Eval mode only (no dropout between layers), no initial state (zeros), no projections.
//
// set_bf16(true) (fast mode, CPUs with AVX-512 BF16 only): the matrix products take their operands
// (weights, layer inputs, h(t-1)) rounded to bfloat16 and accumulate in float32 (vdpbf16ps, two
// products per instruction); biases, gates, the cell state and the outputs stay float32.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace diarize {

class LstmInference {
 public:
  // Whether this CPU has the AVX-512 kernels and `input` is a CPU float32 [B, T, F] tensor with
  // hidden_size a multiple of 16. When false the caller keeps torch's LSTM.
  static bool supports(const at::Tensor& input, int64_t hidden_size);
  // Whether this build and CPU have the kernels at all (x86-64 with AVX-512F).
  static bool cpu_has_kernels();
  // Whether this build and CPU have the bf16 kernels (AVX-512 BF16 as well).
  static bool cpu_has_bf16_kernels();
  // Selects the bf16 products (requires cpu_has_bf16_kernels(); throws otherwise) or float32 ones.
  void set_bf16(bool enabled);
  bool bf16() const { return bf16_; }
  // Test hook: pretend the CPU lacks AVX-512 (to exercise callers' fallbacks).
  static void disable_for_testing(bool disabled);

  // input [B, T, F] → output [B, T, D * H], D = 2 if bidirectional. flat_weights in
  // torch::nn::LSTM's all_weights() order: per layer, per direction (forward, then reverse):
  // weight_ih [4H, in], weight_hh [4H, H], bias_ih [4H], bias_hh [4H]; gate order i, f, g, o.
  at::Tensor forward(const at::Tensor& input, const std::vector<at::Tensor>& flat_weights, int64_t num_layers,
                     bool bidirectional);

 private:
  struct Layer {
    int64_t input_size = 0;
    at::Tensor input_panels;      // [D * H / 16, input_size, 64]: W_ih of both directions
    at::Tensor input_bias;        // [D * 4H] b_ih, in panel order
    at::Tensor recurrent_panels;  // [D, H / 16, H, 64]: W_hh
    at::Tensor recurrent_bias;    // [D, 4H] b_hh, in panel order
    // bf16 mode: the same panels with input pairs interleaved, [.., K / 2, 64, 2] bfloat16.
    at::Tensor input_panels_bf16, recurrent_panels_bf16;
  };
  void repack_if_changed(const std::vector<at::Tensor>& flat_weights, int64_t num_layers, bool bidirectional);

  std::vector<Layer> layers_;
  int64_t hidden_size_ = 0, directions_ = 0;
  bool bf16_ = false;
  bool packed_bf16_ = false;  // whether layers_ holds the bf16 panels
  // (data pointer, version) of each weight when packed: in-place loads bump the version.
  std::vector<std::pair<const void*, int64_t>> packed_from_;
};

}  // namespace diarize
