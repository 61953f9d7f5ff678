// WeSpeaker ResNet34 (wespeaker/models/resnet.py as vendored in pyannote 3.1.1), eval-mode inference.
#include "nets/resnet34.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "nets/folded_trunk.h"
#include "nets/stats_pool.h"

namespace diarize {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, kernel)
                        .stride(stride)
                        .padding(kernel / 2)
                        .bias(false));
}

nn::Sequential make_stage(int64_t in_channels, int64_t out_channels, int64_t num_blocks, int64_t stride) {
  nn::Sequential stage;
  for (int64_t i = 0; i < num_blocks; ++i) {
    stage->push_back(BasicBlock(i == 0 ? in_channels : out_channels, out_channels, i == 0 ? stride : 1));
  }
  return stage;
}

}  // namespace

BasicBlockImpl::BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride) {
  conv1 = register_module("conv1", conv(in_channels, out_channels, 3, stride));
  bn1 = register_module("bn1", nn::BatchNorm2d(out_channels));
  conv2 = register_module("conv2", conv(out_channels, out_channels, 3, 1));
  bn2 = register_module("bn2", nn::BatchNorm2d(out_channels));
  if (stride != 1 || in_channels != out_channels) {
    shortcut = register_module("shortcut", nn::Sequential(conv(in_channels, out_channels, 1, stride),
                                                          nn::BatchNorm2d(out_channels)));
  }
}

at::Tensor BasicBlockImpl::forward(const at::Tensor& x) {
  at::Tensor out = at::relu(bn1->forward(conv1->forward(x)));
  out = bn2->forward(conv2->forward(out));
  out += shortcut ? shortcut->forward(x) : x;
  return at::relu_(out);
}

ResNetImpl::ResNetImpl() {
  const int64_t c = WeSpeakerResNet34Config::base_channels;
  conv1 = register_module("conv1", conv(1, c, 3, 1));
  bn1 = register_module("bn1", nn::BatchNorm2d(c));
  layer1 = register_module("layer1", make_stage(c, c, 3, 1));
  layer2 = register_module("layer2", make_stage(c, 2 * c, 4, 2));
  layer3 = register_module("layer3", make_stage(2 * c, 4 * c, 6, 2));
  layer4 = register_module("layer4", make_stage(4 * c, 8 * c, 3, 2));
  seg_1 = register_module("seg_1", nn::Linear(2 * WeSpeakerResNet34Config::feature_dim,
                                              WeSpeakerResNet34Config::embedding_dim));
}

at::Tensor ResNetImpl::forward(const at::Tensor& x) {
  at::Tensor out = at::relu(bn1->forward(conv1->forward(x)));
  out = layer1->forward(out);
  out = layer2->forward(out);
  out = layer3->forward(out);
  return layer4->forward(out);
}

WeSpeakerResNet34Impl::WeSpeakerResNet34Impl() {
  resnet = register_module("resnet", ResNet());
  // Inference only: BatchNorm must use its running statistics, never batch statistics.
  eval();
}

at::Tensor WeSpeakerResNet34Impl::trunk(const at::Tensor& fbank_cmn) {
  if (!fbank_cmn.defined() || fbank_cmn.dim() != 3 || fbank_cmn.size(2) != WeSpeakerResNet34Config::num_mel_bins)
    throw std::invalid_argument("resnet34: expected fbank of shape [batch, frames, 80]");
  if (fbank_cmn.size(1) < 1) throw std::invalid_argument("resnet34: fbank has no frames");
  if (fbank_cmn.size(0) == 0) {
    // Three stride-2 stages (3x3, padding 1) each map T to ceil(T/2); oneDNN rejects empty batches.
    int64_t frames = fbank_cmn.size(1);
    for (int stage = 0; stage < 3; ++stage) frames = (frames + 1) / 2;
    return at::zeros({0, WeSpeakerResNet34Config::feature_dim, frames}, fbank_cmn.options().dtype(at::kFloat));
  }
  // wespeaker treats the spectrogram as a one-channel image with frequency as height and time as width.
  const at::Tensor image = fbank_cmn.to(at::kFloat).permute({0, 2, 1}).unsqueeze(1);
  const at::Tensor out = folded_ ? (*folded_)(image) : resnet->forward(image);  // [B, 256, 10, T']
  return out.reshape({out.size(0), out.size(1) * out.size(2), out.size(3)});
}

at::Tensor WeSpeakerResNet34Impl::pool_and_embed(const at::Tensor& features, const at::Tensor& weights) {
  if (!features.defined() || features.dim() != 3 || features.size(1) != WeSpeakerResNet34Config::feature_dim)
    throw std::invalid_argument("resnet34: expected trunk features of shape [batch, 2560, frames]");
  if (!weights.defined()) return resnet->seg_1->forward(stats_pool(features));
  if (weights.dim() == 2) return pool_and_embed(features, weights.unsqueeze(1)).squeeze(1);
  if (weights.dim() != 3 || weights.size(0) != features.size(0))
    throw std::invalid_argument("resnet34: weights must be [batch, frames] or [batch, speakers, frames] with batch " +
                                std::to_string(features.size(0)));
  return resnet->seg_1->forward(weighted_stats_pool(features, weights));
}

void WeSpeakerResNet34Impl::set_fast_inference(bool enabled, TrunkPrecision precision) {
  folded_ = enabled ? std::make_shared<const FoldedResNetTrunk>(*resnet, precision) : nullptr;
}

at::Tensor WeSpeakerResNet34Impl::forward(const at::Tensor& fbank_cmn, const at::Tensor& weights) {
  return pool_and_embed(trunk(fbank_cmn), weights);
}

}  // namespace diarize
