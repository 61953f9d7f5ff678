// Kaldi-compatible log-mel filterbank, batched over crops. The sequence of operations (and the float32
// arithmetic of the mel filters) mirrors torchaudio.compliance.kaldi.fbank, so results agree to rounding.
#include "nets/fbank.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace diarize {
namespace {

double mel_scale(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

int64_t round_up_to_power_of_two(int64_t n) {
  int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

double effective_high_freq_hz(const FbankConfig& config) {
  const double nyquist_hz = 0.5 * config.sample_rate_hz;
  return config.high_freq_hz <= 0.0 ? config.high_freq_hz + nyquist_hz : config.high_freq_hz;
}

// [num_mel_bins, fft_size/2 + 1]. Evaluated as torchaudio's get_mel_banks does (float32 tensors built from
// double scalars), because the filters are compared against goldens to float rounding.
at::Tensor make_mel_filters(const FbankConfig& config, int64_t fft_size) {
  const int64_t num_fft_bins = fft_size / 2;
  const double fft_bin_width_hz = config.sample_rate_hz / static_cast<double>(fft_size);
  const double mel_low = mel_scale(config.low_freq_hz);
  const double mel_high = mel_scale(effective_high_freq_hz(config));
  const double mel_delta = (mel_high - mel_low) / static_cast<double>(config.num_mel_bins + 1);

  const at::Tensor bin = at::arange(config.num_mel_bins, at::kLong).unsqueeze(1);
  const at::Tensor left_mel = mel_low + bin * mel_delta;
  const at::Tensor center_mel = mel_low + (bin + 1.0) * mel_delta;
  const at::Tensor right_mel = mel_low + (bin + 2.0) * mel_delta;

  const at::Tensor freq_hz = fft_bin_width_hz * at::arange(num_fft_bins, at::kLong);
  const at::Tensor mel = (1127.0 * (1.0 + freq_hz / 700.0).log()).unsqueeze(0);

  const at::Tensor up_slope = (mel - left_mel) / (center_mel - left_mel);
  const at::Tensor down_slope = (right_mel - mel) / (right_mel - center_mel);
  const at::Tensor filters = at::maximum(at::zeros({1}, at::kFloat), at::minimum(up_slope, down_slope));
  // The Nyquist bin of the power spectrum gets no weight.
  return at::constant_pad_nd(filters, {0, 1}, 0.0).contiguous();
}

}  // namespace

void FbankConfig::validate() const {
  if (!(sample_rate_hz > 0.0)) throw std::invalid_argument("fbank: sample_rate_hz must be positive");
  if (frame_length_samples < 2 || frame_shift_samples < 1)
    throw std::invalid_argument("fbank: frame length must be >= 2 and frame shift >= 1 samples");
  if (num_mel_bins < 3) throw std::invalid_argument("fbank: num_mel_bins must be >= 3");
  const double high_hz = effective_high_freq_hz(*this);
  if (!(low_freq_hz >= 0.0 && high_hz > low_freq_hz && high_hz <= 0.5 * sample_rate_hz))
    throw std::invalid_argument("fbank: need 0 <= low_freq_hz < high_freq_hz <= Nyquist");
}

int64_t fbank_num_frames(int64_t num_samples, const FbankConfig& config) {
  if (num_samples < config.frame_length_samples) return 0;
  return 1 + (num_samples - config.frame_length_samples) / config.frame_shift_samples;
}

KaldiFbank::KaldiFbank(const FbankConfig& config) : config_(config) {
  config_.validate();
  fft_size_ = round_up_to_power_of_two(config_.frame_length_samples);
  window_ = at::hamming_window(config_.frame_length_samples, /*periodic=*/false, 0.54, 0.46,
                               at::TensorOptions().dtype(at::kFloat));
  mel_filters_ = make_mel_filters(config_, fft_size_);
  mel_filters_t_ = mel_filters_.t().contiguous();
}

at::Tensor KaldiFbank::operator()(const at::Tensor& waveforms) const {
  if (!waveforms.defined() || waveforms.dim() != 2)
    throw std::invalid_argument("fbank: expected waveforms of shape [batch, samples]");
  const int64_t num_samples = waveforms.size(1);
  if (num_samples < config_.frame_length_samples)
    throw std::invalid_argument("fbank: " + std::to_string(num_samples) + " samples is shorter than one " +
                                std::to_string(config_.frame_length_samples) + "-sample window");
  const at::Tensor scaled = waveforms.to(at::kFloat) * config_.waveform_scale;

  // snip_edges=True: only whole windows, no padding. unfold is a strided view, copied by the first op.
  at::Tensor frames = scaled.unfold(1, config_.frame_length_samples, config_.frame_shift_samples);
  frames = frames - frames.mean(-1, /*keepdim=*/true);

  // Kaldi pre-emphasis: x[i] -= k*x[i-1] and x[0] -= k*x[0] (the first sample is its own predecessor).
  const int64_t length = config_.frame_length_samples;
  const at::Tensor previous = at::cat({frames.narrow(-1, 0, 1), frames.narrow(-1, 0, length - 1)}, -1);
  frames = frames - config_.preemphasis * previous;

  // The constant tensors live on the CPU; .to() is free when the input is there too.
  frames = at::constant_pad_nd(frames * window_.to(frames.device()), {0, fft_size_ - length}, 0.0);
  const at::Tensor power = at::fft_rfft(frames).abs().pow(2.0);
  const at::Tensor mel_energies = at::matmul(power, mel_filters_t_.to(power.device()));
  return at::clamp_min(mel_energies, std::numeric_limits<float>::epsilon()).log();
}

at::Tensor compute_fbank(const at::Tensor& waveforms) {
  static const KaldiFbank fbank{FbankConfig{}};
  return fbank(waveforms);
}

at::Tensor cmn(const at::Tensor& fbank) {
  if (!fbank.defined() || fbank.dim() != 3) throw std::invalid_argument("cmn: expected fbank of shape [batch, frames, bins]");
  return fbank - fbank.mean(1, /*keepdim=*/true);
}

}  // namespace diarize
