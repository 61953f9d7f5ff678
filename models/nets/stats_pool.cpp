// pyannote's StatsPool. The weighted statistics are evaluated with the same elementwise operations as
// upstream's _pool (not the faster Σwx² expansion), because the variance of post-ReLU features can be
// small next to their squared mean and the expansion would cancel catastrophically in float32.
#include "nets/stats_pool.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/upsampling.h>

#include <stdexcept>
#include <vector>

namespace diarize {

at::Tensor stats_pool(const at::Tensor& sequences) {
  if (!sequences.defined() || sequences.dim() != 3) throw std::invalid_argument("stats_pool: expected [batch, channels, frames]");
  const at::Tensor mean = sequences.mean(-1);
  const at::Tensor std = at::std(sequences, {-1}, /*unbiased=*/true, /*keepdim=*/false);
  return at::cat({mean, std}, -1);
}

at::Tensor resize_weights(const at::Tensor& weights, int64_t num_frames) {
  if (!weights.defined() || weights.dim() != 3 || weights.size(-1) < 1)
    throw std::invalid_argument("stats pooling: expected weights of shape [batch, speakers, frames]");
  if (weights.size(-1) == num_frames) return weights;
  namespace F = torch::nn::functional;
  return F::interpolate(weights.to(at::kFloat), F::InterpolateFuncOptions()
                                                    .size(std::vector<int64_t>{num_frames})
                                                    .mode(torch::kNearest));
}

at::Tensor weighted_stats_pool(const at::Tensor& sequences, const at::Tensor& weights) {
  if (!sequences.defined() || sequences.dim() != 3) throw std::invalid_argument("stats_pool: expected [batch, channels, frames]");
  if (!weights.defined() || weights.dim() != 3 || weights.size(0) != sequences.size(0))
    throw std::invalid_argument("stats_pool: expected weights [batch, speakers, frames] with the sequences' batch size");
  const at::Tensor w = resize_weights(weights, sequences.size(-1)).to(sequences.scalar_type());
  const int64_t num_speakers = w.size(1);

  std::vector<at::Tensor> pooled;
  pooled.reserve(static_cast<size_t>(num_speakers));
  // One mask at a time keeps the temporaries at [B, C, T] instead of [B, S, C, T].
  for (int64_t s = 0; s < num_speakers; ++s) {
    const at::Tensor ws = w.select(1, s).unsqueeze(1);  // [B, 1, T]
    const at::Tensor v1 = ws.sum(2) + 1e-8;            // [B, 1]
    const at::Tensor mean = (sequences * ws).sum(2) / v1;
    const at::Tensor dx2 = (sequences - mean.unsqueeze(2)).square();
    const at::Tensor v2 = ws.square().sum(2);
    const at::Tensor var = (dx2 * ws).sum(2) / (v1 - v2 / v1 + 1e-8);
    pooled.push_back(at::cat({mean, var.sqrt()}, 1));
  }
  return at::stack(pooled, 1);
}

}  // namespace diarize
