// BatchNorm-folded (and optionally oneDNN-layout) ResNet34 trunk; see folded_trunk.h.
#include "nets/folded_trunk.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>

#include "nets/resnet34.h"

namespace diarize {
namespace {

// Folding in float64 keeps the rounding of the folded weights below that of the unfolded float32 path.
std::pair<at::Tensor, at::Tensor> fold(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn) {
  const at::Tensor scale = bn.weight.to(at::kDouble) / (bn.running_var.to(at::kDouble) + bn.options.eps()).sqrt();
  const at::Tensor weight = conv.weight.to(at::kDouble) * scale.view({-1, 1, 1, 1});
  const at::Tensor bias = bn.bias.to(at::kDouble) - bn.running_mean.to(at::kDouble) * scale;
  return {weight.to(at::kFloat).contiguous(), bias.to(at::kFloat).contiguous()};
}

}  // namespace

FoldedResNetTrunk::FoldedResNetTrunk(ResNetImpl& resnet, TrunkPrecision precision, bool use_onednn_layout)
    : onednn_(use_onednn_layout && at::hasMKLDNN()),
      dtype_(precision == TrunkPrecision::kBFloat16 ? at::kBFloat16 : at::kFloat) {
  at::NoGradGuard no_grad;
  auto make = [&](const torch::nn::Conv2dImpl& c, const torch::nn::BatchNorm2dImpl& bn) {
    auto [float_weight, bias] = fold(c, bn);
    const at::Tensor weight = float_weight.to(dtype_);
    Conv folded;
    folded.stride = (*c.options.stride())[0];
    folded.padding = weight.size(-1) / 2;  // every conv of this net is "same"-padded (3x3 → 1, 1x1 → 0)
    folded.weight = onednn_ ? at::mkldnn_reorder_conv2d_weight(weight.to_mkldnn(), {folded.padding, folded.padding},
                                                               {folded.stride, folded.stride}, {1, 1}, 1)
                            : weight;
    folded.bias = bias;
    return folded;
  };
  stem_ = make(*resnet.conv1, *resnet.bn1);
  for (const auto* stage : {&resnet.layer1, &resnet.layer2, &resnet.layer3, &resnet.layer4}) {
    for (size_t i = 0; i < (*stage)->size(); ++i) {
      auto& block = (*stage)->at<BasicBlockImpl>(i);
      Block folded{make(*block.conv1, *block.bn1), make(*block.conv2, *block.bn2), {}};
      if (block.shortcut) {
        const auto shortcut_conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(block.shortcut->ptr(0));
        const auto shortcut_bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(block.shortcut->ptr(1));
        folded.shortcut = make(*shortcut_conv, *shortcut_bn);
      }
      blocks_.push_back(std::move(folded));
    }
  }
}

at::Tensor FoldedResNetTrunk::conv(const at::Tensor& x, const Conv& c) const {
  if (onednn_) return at::mkldnn_convolution(x, c.weight, c.bias, {c.padding, c.padding}, {c.stride, c.stride}, {1, 1}, 1);
  return at::conv2d(x, c.weight, c.bias, {c.stride, c.stride}, {c.padding, c.padding});
}

at::Tensor FoldedResNetTrunk::operator()(const at::Tensor& image) const {
  at::Tensor x = image.to(dtype_).contiguous();
  if (onednn_) x = x.to_mkldnn();
  x = conv(x, stem_).relu_();
  for (const Block& block : blocks_) {
    at::Tensor out = conv(conv(x, block.conv1).relu_(), block.conv2);
    out.add_(block.shortcut.weight.defined() ? conv(x, block.shortcut) : x);
    x = out.relu_();
  }
  return (onednn_ ? x.to_dense() : x).to(at::kFloat);
}

}  // namespace diarize
