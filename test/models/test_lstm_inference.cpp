// LstmInference (the AVX-512 LSTM used by PyanNet on CPU) against torch::nn::LSTM on random
// weights and inputs: odd batch sizes (remainder tiles of 1-3 rows), batch 1, one- and two-step
// sequences, uni- and bidirectional, several layers, hidden sizes 16-128, weight reloads.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <torch/nn/modules/rnn.h>
#include <torch/torch.h>

#include <sstream>

#include "nets/lstm_inference.h"

using namespace diarize;

namespace {

struct Case {
  int64_t input_size, hidden, layers;
  bool bidirectional;
  int64_t batch, steps;
  double input_scale;
};

std::string describe(const Case& c) {
  std::ostringstream s;
  s << "in " << c.input_size << ", H " << c.hidden << ", " << c.layers << " layers, "
    << (c.bidirectional ? "bidirectional" : "unidirectional") << ", batch " << c.batch << ", " << c.steps
    << " steps, input scale " << c.input_scale;
  return s.str();
}

torch::nn::LSTM make_lstm(const Case& c) {
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(c.input_size, c.hidden)
                           .num_layers(c.layers)
                           .bidirectional(c.bidirectional)
                           .batch_first(true));
  lstm->eval();
  return lstm;
}

// Without AVX-512 PyanNet keeps torch's LSTM, and only the refusal can be tested.
bool kernels_or_refusal() {
  if (LstmInference::cpu_has_kernels()) return true;
  WARN("this CPU has no AVX-512: LstmInference is unused here, only its refusal is tested");
  CHECK_FALSE(LstmInference::supports(torch::zeros({1, 1, 16}), 16));
  return false;
}

}  // namespace

TEST_CASE("LstmInference matches torch::nn::LSTM on random weights", "[lstm]") {
  if (!kernels_or_refusal()) return;
  torch::manual_seed(7);
  const std::vector<Case> cases = {
      {60, 128, 4, true, 32, 60, 1.0},  // PyanNet's shape, fewer steps
      {60, 128, 4, true, 1, 589, 1.0},  // PyanNet's shape, batch 1, a whole chunk
      {60, 128, 4, true, 7, 13, 1.0},   // remainder tile of 3 rows
      {60, 128, 2, true, 5, 1, 1.0},    // one step: no recurrent product at all
      {13, 16, 1, false, 2, 2, 1.0},    // unidirectional, tiny hidden size, two steps
      {32, 48, 3, true, 6, 9, 1.0},     // hidden 48: three panels per direction
      {60, 128, 4, true, 3, 40, 20.0},  // saturated gates (clamped exponentials)
  };
  for (const Case& c : cases) {
    INFO(describe(c));
    torch::nn::LSTM lstm = make_lstm(c);
    const torch::Tensor x = torch::randn({c.batch, c.steps, c.input_size}) * c.input_scale;
    torch::NoGradGuard no_grad;
    REQUIRE(LstmInference::supports(x, c.hidden));
    const torch::Tensor expected = std::get<0>(lstm->forward(x));
    LstmInference fast;
    const torch::Tensor ours = fast.forward(x, lstm->all_weights(), c.layers, c.bidirectional);
    REQUIRE(ours.sizes() == expected.sizes());
    // float64 torch as ground truth: ours must be as close to it as torch's own float32 result, up
    // to float32 rounding (h lies in [-1, 1]; a few 1e-7 per step, compounding over layers/steps).
    torch::nn::LSTM lstm64 = make_lstm(c);
    lstm64->to(torch::kFloat64);
    for (size_t i = 0; i < lstm->all_weights().size(); ++i) lstm64->all_weights()[i].copy_(lstm->all_weights()[i]);
    const torch::Tensor truth = std::get<0>(lstm64->forward(x.to(torch::kFloat64)));
    const double ours_vs_torch = test::max_abs_diff(ours, expected), ours_err = test::max_abs_diff(ours, truth),
                 torch_err = test::max_abs_diff(expected, truth);
    WARN(describe(c) << ": max |ours - torch f32| = " << ours_vs_torch << ", |ours - f64| = " << ours_err
                     << ", |torch f32 - f64| = " << torch_err);
    // Observed: |ours - torch f32| <= 6e-8 and |ours - f64| within 2x of |torch f32 - f64| (a few
    // 1e-8) on every case; 1e-6 and 4x leave room for other BLAS builds behind torch's result.
    CHECK(ours_vs_torch <= 1e-6);
    CHECK(ours_err <= std::max(4.0 * torch_err, 2e-7));
  }
}

TEST_CASE("LstmInference accepts non-contiguous input and follows in-place weight changes", "[lstm]") {
  if (!kernels_or_refusal()) return;
  torch::manual_seed(3);
  const Case c{60, 128, 2, true, 3, 21, 1.0};
  torch::nn::LSTM lstm = make_lstm(c);
  torch::NoGradGuard no_grad;
  // [B, F, T] transposed to [B, T, F], as PyanNet hands SincNet's output over.
  const torch::Tensor x = torch::randn({c.batch, c.input_size, c.steps}).transpose(1, 2);
  REQUIRE_FALSE(x.is_contiguous());
  LstmInference fast;
  CHECK(test::max_abs_diff(fast.forward(x, lstm->all_weights(), c.layers, true), std::get<0>(lstm->forward(x))) <= 1e-6);
  // Loaders copy weights in place; the packed cache must notice.
  for (const auto& w : lstm->all_weights()) w.mul_(-0.5);
  const torch::Tensor after = fast.forward(x, lstm->all_weights(), c.layers, true);
  CHECK(test::max_abs_diff(after, std::get<0>(lstm->forward(x))) <= 1e-6);
}

TEST_CASE("LstmInference declines what it does not implement", "[lstm]") {
  if (!kernels_or_refusal()) return;
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 5, 8});
  CHECK(LstmInference::supports(x, 16));
  CHECK_FALSE(LstmInference::supports(x, 20));                       // hidden size not a multiple of 16
  CHECK_FALSE(LstmInference::supports(x.to(torch::kFloat64), 16));   // float32 only
  CHECK_FALSE(LstmInference::supports(x[0], 16));                    // [B, T, F] only
  {
    torch::AutoGradMode grad(true);
    CHECK_FALSE(LstmInference::supports(x, 16));  // no autograd
  }
  LstmInference::disable_for_testing(true);
  CHECK_FALSE(LstmInference::supports(x, 16));
  LstmInference::disable_for_testing(false);
  // Wrong weight count: a clear error, not a crash.
  LstmInference fast;
  CHECK_THROWS_WITH(fast.forward(x, {torch::zeros({64, 8})}, 1, false), Catch::Contains("weight_ih, weight_hh"));
}

TEST_CASE("LstmInference in bf16 stays within bf16 rounding of torch::nn::LSTM", "[lstm]") {
  if (!LstmInference::cpu_has_bf16_kernels()) {
    WARN("this CPU has no AVX-512 BF16: only the refusal is tested");
    LstmInference fast;
    CHECK_THROWS(fast.set_bf16(true));
    return;
  }
  torch::manual_seed(11);
  for (const Case& c : {Case{60, 128, 4, true, 3, 200, 1.0}, Case{60, 128, 4, true, 1, 589, 1.0},
                        Case{64, 32, 2, false, 5, 30, 1.0}}) {
    INFO(describe(c));
    torch::nn::LSTM lstm = make_lstm(c);
    const torch::Tensor x = torch::randn({c.batch, c.steps, c.input_size}) * c.input_scale;
    torch::NoGradGuard no_grad;
    const torch::Tensor expected = std::get<0>(lstm->forward(x));
    LstmInference fast;
    fast.set_bf16(true);
    const torch::Tensor ours = fast.forward(x, lstm->all_weights(), c.layers, c.bidirectional);
    REQUIRE(ours.sizes() == expected.sizes());
    const double diff = test::max_abs_diff(ours, expected);
    WARN(describe(c) << ": max |bf16 - torch f32| = " << diff);
    // bf16 keeps 8 bits of mantissa (operands off by up to 4e-3 relative), accumulation stays float32.
    // Observed 2-6e-4 on h in [-1, 1] over 4 layers and 589 steps; nonzero proves it ran in bf16.
    CHECK(diff <= 0.01);
    CHECK(diff > 1e-5);
    // Switching back repacks the float32 panels: torch's numbers again.
    fast.set_bf16(false);
    CHECK(test::max_abs_diff(fast.forward(x, lstm->all_weights(), c.layers, c.bidirectional), expected) <= 1e-6);
  }
}
