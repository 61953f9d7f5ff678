// Fast inference path of the WeSpeaker ResNet34 trunk: eval-mode BatchNorm folded into the preceding
// convolution (w·γ/σ, β − μ·γ/σ), and, when LibTorch has oneDNN, the whole trunk kept in oneDNN's
// blocked tensor layout with pre-reordered weights, so no layer converts layouts or makes a separate
// BatchNorm pass. Same function as ResNetImpl::forward up to float rounding; in bfloat16 (fast mode
// on CPUs with AVX-512 BF16), up to bfloat16 rounding of the weights and of every activation.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace diarize {

class ResNetImpl;

enum class TrunkPrecision {
  kFloat32,
  kBFloat16,  // weights and activations in bfloat16, accumulation in float32 (oneDNN)
};

class FoldedResNetTrunk {
 public:
  // Snapshots `resnet`'s current weights. use_onednn_layout is ignored when LibTorch lacks oneDNN.
  FoldedResNetTrunk(ResNetImpl& resnet, TrunkPrecision precision, bool use_onednn_layout = true);

  // [B, 1, 80, T] float32 → [B, 256, 10, ceil(T/8)] dense float32 (computed in the trunk's precision).
  at::Tensor operator()(const at::Tensor& image) const;

  bool uses_onednn_layout() const { return onednn_; }

 private:
  struct Conv {
    at::Tensor weight;  // folded; oneDNN-reordered when onednn_
    at::Tensor bias;    // folded, dense
    int64_t stride = 1;
    int64_t padding = 0;
  };
  struct Block {
    Conv conv1, conv2, shortcut;  // shortcut.weight undefined when the block adds its input as is
  };

  at::Tensor conv(const at::Tensor& x, const Conv& c) const;

  bool onednn_ = false;
  at::ScalarType dtype_ = at::kFloat;
  Conv stem_;
  std::vector<Block> blocks_;
};

}  // namespace diarize
