// SincNet: ParamSincFB filters → |conv| → (MaxPool3 → InstanceNorm → LeakyReLU) per block.
#include "nets/sincnet.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/pooling.h>

#include "import/segmentation_onnx_import.h"

namespace diarize {

namespace F = torch::nn::functional;

namespace {

// max_pool1d(|x|, 3, stride 3) in one pass over x (CPU float32, no autograd): the sinc layer's
// output is the largest tensor of the network, and writing |x| only to read it back for pooling
// cost about a tenth of SincNet. abs and max are exact, and NaN propagates as in max_pool1d, so the
// result is bit-identical to the two-operator form used elsewhere.
torch::Tensor abs_max_pool3(const torch::Tensor& x) {
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat || x.dim() != 3 || at::GradMode::is_enabled())
    return F::max_pool1d(torch::abs(x), F::MaxPool1dFuncOptions(3).stride(3));
  const torch::Tensor in = x.contiguous();
  const int64_t rows = in.size(0) * in.size(1), in_len = in.size(2), out_len = in_len / 3;
  torch::Tensor out = torch::empty({in.size(0), in.size(1), out_len}, in.options());
  const float* src = in.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, rows, 4, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* s = src + r * in_len;
      float* d = dst + r * out_len;
      for (int64_t j = 0; j < out_len; ++j) {
        const float a = std::fabs(s[3 * j]), b = std::fabs(s[3 * j + 1]), c = std::fabs(s[3 * j + 2]);
        float m = a;
        m = (b > m || b != b) ? b : m;
        m = (c > m || c != c) ? c : m;
        d[j] = m;
      }
    }
  });
  return out;
}

}  // namespace

ParamSincFBImpl::ParamSincFBImpl() {
  const int half_filters = kNumFilters / 2, half_kernel = kKernelSize / 2;
  // Values are overwritten by the state dict; shapes are what matters here.
  low_hz_ = register_parameter("low_hz_", torch::zeros({half_filters, 1}));
  band_hz_ = register_parameter("band_hz_", torch::zeros({half_filters, 1}));
  window_ = register_buffer("window_", torch::zeros({half_kernel}));
  const TensorData n = sincnet_n_buffer(kKernelSize, static_cast<int>(kSampleRateHz), "n_");
  n_ = register_buffer("n_", torch::from_blob(const_cast<uint8_t*>(n.bytes.data()), {1, half_kernel}, torch::kFloat32).clone());
}

torch::Tensor ParamSincFBImpl::filters() const {
  // Same operations, in the same order and precision, as asteroid's ParamSincFB.filters(), so the
  // filters match upstream to float32 rounding.
  const torch::Tensor low = kMinLowHz + torch::abs(low_hz_);
  const torch::Tensor high = torch::clamp(low + kMinBandHz + torch::abs(band_hz_), kMinLowHz, kSampleRateHz / 2);
  const torch::Tensor band = (high - low).select(1, 0);
  const torch::Tensor ft_low = torch::matmul(low, n_);
  const torch::Tensor ft_high = torch::matmul(high, n_);
  const torch::Tensor half_n = n_ / 2;
  const torch::Tensor cos_left = ((torch::sin(ft_high) - torch::sin(ft_low)) / half_n) * window_;
  const torch::Tensor sin_left = ((torch::cos(ft_low) - torch::cos(ft_high)) / half_n) * window_;
  const torch::Tensor centre = band.view({-1, 1});
  const torch::Tensor cos_fb = torch::cat({cos_left, 2 * centre, cos_left.flip({1})}, 1) / (2 * band.unsqueeze(1));
  const torch::Tensor sin_fb =
      torch::cat({sin_left, torch::zeros_like(centre), -sin_left.flip({1})}, 1) / (2 * band.unsqueeze(1));
  return torch::cat({cos_fb, sin_fb}, 0).view({kNumFilters, 1, kKernelSize});
}

SincEncoderImpl::SincEncoderImpl() { filterbank = register_module("filterbank", ParamSincFB()); }

torch::Tensor SincEncoderImpl::forward(const torch::Tensor& waveform) {
  return F::conv1d(waveform, filterbank->filters(), F::Conv1dFuncOptions().stride(kStride));
}

SincNetImpl::SincNetImpl() {
  // track_running_stats stays false: pyannote's InstanceNorm1d uses instance statistics in eval too.
  wav_norm1d = register_module("wav_norm1d", torch::nn::InstanceNorm1d(torch::nn::InstanceNorm1dOptions(1).affine(true)));
  conv1d = register_module("conv1d", torch::nn::ModuleList());
  conv1d->push_back(SincEncoder());
  conv1d->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(ParamSincFBImpl::kNumFilters, 60, 5)));
  conv1d->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(60, 60, 5)));
  norm1d = register_module("norm1d", torch::nn::ModuleList());
  for (int channels : {ParamSincFBImpl::kNumFilters, 60, 60})
    norm1d->push_back(torch::nn::InstanceNorm1d(torch::nn::InstanceNorm1dOptions(channels).affine(true)));
}

torch::Tensor SincNetImpl::forward(const torch::Tensor& waveform) {
  torch::Tensor x = wav_norm1d->forward(waveform);
  // The sinc layer's output is rectified (|x|) before pooling, as in pyannote (SincNet issue #4).
  x = conv1d->ptr<SincEncoderImpl>(0)->forward(x);
  for (size_t block = 0; block < 3; ++block) {
    if (block > 0) x = conv1d->ptr<torch::nn::Conv1dImpl>(block)->forward(x);
    x = block == 0 ? abs_max_pool3(x) : F::max_pool1d(x, F::MaxPool1dFuncOptions(3).stride(3));
    x = norm1d->ptr<torch::nn::InstanceNorm1dImpl>(block)->forward(x);
    x = F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.01));
  }
  return x;
}

}  // namespace diarize
