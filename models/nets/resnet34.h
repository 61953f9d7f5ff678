// WeSpeaker ResNet34 speaker-embedding network, as pyannote 3.1 wraps it (WeSpeakerResNet34 →
// `resnet` = wespeaker ResNet(BasicBlock, [3, 4, 6, 3], 32 channels, 80 mel bins, TSTP pooling, 256-d)).
// Submodules are registered under pyannote's state-dict names (`resnet.layer3.4.bn2.running_var`), so
// weights load by name lookup. The trunk and the pooling are separate entry points: the trunk output of
// a chunk does not depend on the speaker mask, so one trunk pass serves all of the chunk's speakers.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>

#include "nets/folded_trunk.h"

namespace diarize {


// conv3x3 → BN → ReLU → conv3x3 → BN, plus the input (through a strided 1x1 conv + BN when the shape
// changes), then ReLU.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  at::Tensor forward(const at::Tensor& x);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Conv2d conv2{nullptr};
  torch::nn::BatchNorm2d bn2{nullptr};
  torch::nn::Sequential shortcut{nullptr};  // registered only for blocks that change shape
};
TORCH_MODULE(BasicBlock);

// wespeaker's ResNet: the `resnet.` prefix of pyannote's state dict.
class ResNetImpl : public torch::nn::Module {
 public:
  ResNetImpl();
  // [B, 1, 80, T] → [B, 256, 10, ceil(T/8)]
  at::Tensor forward(const at::Tensor& x);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Linear seg_1{nullptr};  // 5120 pooled statistics → 256-d embedding
};
TORCH_MODULE(ResNet);

struct WeSpeakerResNet34Config {
  static constexpr int64_t num_mel_bins = 80;
  static constexpr int64_t base_channels = 32;
  static constexpr int64_t feature_dim = 2560;    // 256 channels × 10 frequency rows
  static constexpr int64_t embedding_dim = 256;
};

class WeSpeakerResNet34Impl : public torch::nn::Module {
 public:
  WeSpeakerResNet34Impl();

  // CMN'd fbank [B, T, 80] → frame features [B, 2560, T'] (T' = 125 for T = 998), with (channel, freq)
  // flattened channel-major as TSTP's rearrange "b c f t -> b (c f) t".
  at::Tensor trunk(const at::Tensor& fbank_cmn);

  // features [B, 2560, T'] and
  //   weights undefined  → [B, 256], unweighted statistics;
  //   weights [B, W]     → [B, 256], one mask per sequence (W frames, resized to T', e.g. 589 → 125);
  //   weights [B, S, W]  → [B, S, 256], S masks per sequence pooled from the same trunk output.
  at::Tensor pool_and_embed(const at::Tensor& features, const at::Tensor& weights = {});

  // trunk followed by pool_and_embed: upstream's `model.resnet(fbank, weights)[1]`.
  at::Tensor forward(const at::Tensor& fbank_cmn, const at::Tensor& weights = {});

  // Makes trunk() run a snapshot of the current weights with BatchNorm folded into the convolutions, on
  // oneDNN's blocked layout when LibTorch has oneDNN (see folded_trunk.h). Numbers change by float
  // rounding only. Call it after loading the weights (and again after any later change of them).
  // kBFloat16: the folded trunk in bfloat16 (fast mode on CPUs with native bf16 kernels).
  void set_fast_inference(bool enabled, TrunkPrecision precision = TrunkPrecision::kFloat32);
  bool fast_inference() const { return folded_ != nullptr; }

  ResNet resnet{nullptr};

 private:
  std::shared_ptr<const FoldedResNetTrunk> folded_;
};
TORCH_MODULE(WeSpeakerResNet34);

}  // namespace diarize
