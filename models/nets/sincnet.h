// SincNet front end of pyannote's PyanNet (pyannote/audio/models/blocks/sincnet.py, 3.1.1) with
// asteroid-filterbanks' ParamSincFB as its first layer. Modules and tensors are registered under
// pyannote's state_dict names (wav_norm1d, conv1d.0.filterbank.{low_hz_,band_hz_,window_,n_},
// conv1d.{1,2}, norm1d.{0,1,2}) so weights load by name.
//
// forward: waveform [B, 1, T] (16 kHz) → features [B, 60, F]; T = 160000 gives F = 589.
#pragma once

// instancenorm.h uses the functional form without including it.
#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/nn/pimpl.h>

namespace diarize {

// asteroid ParamSincFB(n_filters=80, kernel_size=251, sample_rate=16000, min_low_hz=50,
// min_band_hz=50): 40 learnable band-pass filters, each as a cosine and a sine kernel.
struct ParamSincFBImpl : torch::nn::Module {
  static constexpr int kNumFilters = 80;
  static constexpr int kKernelSize = 251;
  static constexpr double kSampleRateHz = 16000.0;
  static constexpr double kMinLowHz = 50.0;
  static constexpr double kMinBandHz = 50.0;

  ParamSincFBImpl();
  // The [80, 1, 251] filters: 40 cos filters, then 40 sin filters.
  torch::Tensor filters() const;

  torch::Tensor low_hz_, band_hz_;  // parameters [40, 1]
  torch::Tensor window_, n_;        // buffers [125], [1, 125]
};
TORCH_MODULE(ParamSincFB);

// asteroid Encoder around ParamSincFB: a strided conv1d with the computed filters. Exists so the
// parameter path reads conv1d.0.filterbank.* like upstream.
struct SincEncoderImpl : torch::nn::Module {
  static constexpr int kStride = 10;
  SincEncoderImpl();
  torch::Tensor forward(const torch::Tensor& waveform);
  ParamSincFB filterbank{nullptr};
};
TORCH_MODULE(SincEncoder);

struct SincNetImpl : torch::nn::Module {
  SincNetImpl();
  torch::Tensor forward(const torch::Tensor& waveform);

  torch::nn::InstanceNorm1d wav_norm1d{nullptr};
  torch::nn::ModuleList conv1d{nullptr};  // SincEncoder, Conv1d(80,60,5), Conv1d(60,60,5)
  torch::nn::ModuleList norm1d{nullptr};  // InstanceNorm1d(80), (60), (60)
};
TORCH_MODULE(SincNet);

}  // namespace diarize
