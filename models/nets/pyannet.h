// PyanNet, pyannote's segmentation-3.0 network (pyannote/audio/models/segmentation/PyanNet.py,
// 3.1.1): SincNet → 4-layer bidirectional LSTM (hidden 128) → 2 × (Linear 128 + LeakyReLU) →
// classifier Linear(128, 7) → log_softmax over the 7 powerset classes.
//
// Public API:
//   PyanNet net;                       // TORCH_MODULE; parameters named like pyannote's state_dict
//   net->forward(x)                    // x [B, 1, 160000] float32 16 kHz → [B, 589, 7] log-probs
//   load_segmentation_model(path)      // see import/segmentation_model_loader.h
// Run it in eval mode under torch::NoGradGuard / InferenceMode. On CPUs with AVX-512 the LSTM then
// runs through nets/lstm_inference.h (same results to float rounding), elsewhere through torch's.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include "nets/lstm_inference.h"
#include "nets/sincnet.h"

namespace diarize {

struct PyanNetImpl : torch::nn::Module {
  static constexpr int kNumClasses = 7;       // powerset of 3 speakers, at most 2 at once
  static constexpr int kChunkSamples = 160000;  // 10 s at 16 kHz
  static constexpr int kNumFrames = 589;      // output frames per 10 s chunk

  PyanNetImpl();
  torch::Tensor forward(const torch::Tensor& waveform);

  // Fast mode on CPUs with AVX-512 BF16: the LSTM's matrix products in bf16 (nets/lstm_inference.h).
  // Returns false (and changes nothing) where the CPU lacks those instructions.
  bool use_bf16_lstm(bool enabled);
  bool bf16_lstm() const { return fast_lstm_.bf16(); }

  SincNet sincnet{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::ModuleList linear{nullptr};
  torch::nn::Linear classifier{nullptr};

 private:
  // The LSTM on CPU in inference: repacked weights for the AVX-512 kernels (torch's LSTM elsewhere).
  LstmInference fast_lstm_;
};
TORCH_MODULE(PyanNet);

}  // namespace diarize
