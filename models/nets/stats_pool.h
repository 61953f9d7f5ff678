// pyannote's StatsPool (models/blocks/pooling.py, 3.1.1): mean and standard deviation over time, optionally
// weighted by a per-frame speaker mask, for one or several masks per sequence.
#pragma once

#include <ATen/core/Tensor.h>

namespace diarize {

// sequences [B, C, T] → [B, 2C] = [mean, std(correction=1)] over T. No epsilon, as upstream: T = 1 gives NaN std.
at::Tensor stats_pool(const at::Tensor& sequences);

// Resizes masks [B, S, W] to [B, S, num_frames] with PyTorch's nearest interpolation
// (source index floor(dst * W / num_frames)); returned unchanged when W == num_frames.
at::Tensor resize_weights(const at::Tensor& weights, int64_t num_frames);

// sequences [B, C, T], weights [B, S, W] (any W, resized to T) → [B, S, 2C] = [weighted mean, weighted
// unbiased std]: v1 = Σw + 1e-8, mean = Σwx / v1, var = Σw(x − mean)² / (v1 − Σw²/v1 + 1e-8).
// An all-zero mask gives mean = std = 0 (never NaN).
at::Tensor weighted_stats_pool(const at::Tensor& sequences, const at::Tensor& weights);

}  // namespace diarize
