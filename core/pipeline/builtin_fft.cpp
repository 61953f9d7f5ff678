// Iterative in-place radix-2 FFT (decimation in time) on a reused buffer.
#include "pipeline/builtin_fft.h"

#include <cmath>
#include <stdexcept>

namespace diarize {

PowerSpectrum::PowerSpectrum(size_t fft_size) : fft_size_(fft_size) {
  if (fft_size < 2 || (fft_size & (fft_size - 1)) != 0)
    throw std::invalid_argument("FFT size must be a power of two >= 2");
  twiddles_.resize(fft_size / 2);
  for (size_t k = 0; k < fft_size / 2; ++k) {
    const double angle = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(fft_size);
    twiddles_[k] = {std::cos(angle), std::sin(angle)};
  }
  size_t bits = 0;
  while ((size_t{1} << bits) < fft_size) ++bits;
  bit_reverse_.resize(fft_size);
  for (size_t i = 0; i < fft_size; ++i) {
    size_t r = 0;
    for (size_t b = 0; b < bits; ++b)
      if (i & (size_t{1} << b)) r |= size_t{1} << (bits - 1 - b);
    bit_reverse_[i] = r;
  }
  buffer_.resize(fft_size);
}

void PowerSpectrum::compute(const float* frame, size_t frame_length, std::vector<float>& power) {
  if (frame_length > fft_size_) throw std::invalid_argument("frame longer than the FFT size");
  for (size_t i = 0; i < fft_size_; ++i) {
    const size_t src = bit_reverse_[i];
    buffer_[i] = {src < frame_length ? static_cast<double>(frame[src]) : 0.0, 0.0};
  }
  for (size_t half = 1; half < fft_size_; half *= 2) {
    const size_t stride = fft_size_ / (2 * half);
    for (size_t start = 0; start < fft_size_; start += 2 * half) {
      for (size_t k = 0; k < half; ++k) {
        const std::complex<double> t = twiddles_[k * stride] * buffer_[start + k + half];
        buffer_[start + k + half] = buffer_[start + k] - t;
        buffer_[start + k] += t;
      }
    }
  }
  power.resize(num_bins());
  for (size_t k = 0; k < num_bins(); ++k) power[k] = static_cast<float>(std::norm(buffer_[k]));
}

}  // namespace diarize
