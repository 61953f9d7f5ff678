// Kaldi-compatible log-mel filterbank: the WeSpeaker front-end of pyannote 3.1, i.e.
// torchaudio.compliance.kaldi.fbank(waveform * 32768, num_mel_bins=80, frame_length=25, frame_shift=10,
// dither=0, window_type="hamming", use_energy=False) per crop, then per-crop mean normalisation.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace diarize {

struct FbankConfig {
  double sample_rate_hz = 16000.0;
  int64_t frame_length_samples = 400;  // 25 ms
  int64_t frame_shift_samples = 160;   // 10 ms
  int64_t num_mel_bins = 80;
  double low_freq_hz = 20.0;
  double high_freq_hz = 0.0;  // <= 0 means Nyquist + high_freq_hz, as in Kaldi
  double preemphasis = 0.97;
  // Kaldi works on int16-valued samples; pyannote feeds [-1, 1) audio times 32768.
  double waveform_scale = 32768.0;

  // Throws std::invalid_argument for a configuration Kaldi would refuse.
  void validate() const;
};

// Number of frames for `num_samples` with snip_edges=True: 1 + (N - frame_length) / frame_shift, or 0
// when the signal is shorter than one window (998 for 160 000 samples).
int64_t fbank_num_frames(int64_t num_samples, const FbankConfig& config = {});

// Precomputes the window and the mel filter matrix once, then computes fbanks of whole batches.
class KaldiFbank {
 public:
  explicit KaldiFbank(const FbankConfig& config = {});

  // waveforms: float32 [B, N] samples in [-1, 1) → raw log-mel energies [B, frames, num_mel_bins].
  // Throws std::invalid_argument when the shape is wrong or N is shorter than one window.
  at::Tensor operator()(const at::Tensor& waveforms) const;

  const FbankConfig& config() const { return config_; }
  // [num_mel_bins, fft_size/2 + 1]: triangular filters in the mel domain (last column, Nyquist, is 0).
  const at::Tensor& mel_filters() const { return mel_filters_; }

 private:
  FbankConfig config_;
  int64_t fft_size_ = 0;
  at::Tensor window_;             // [frame_length] symmetric Hamming
  at::Tensor mel_filters_t_;      // [fft_size/2 + 1, num_mel_bins], for a right matmul
  at::Tensor mel_filters_;
};

// compute_fbank with the default (pyannote) configuration.
at::Tensor compute_fbank(const at::Tensor& waveforms);

// Cepstral mean normalisation over all frames of each crop: [B, F, M] minus its mean over F.
at::Tensor cmn(const at::Tensor& fbank);

}  // namespace diarize
