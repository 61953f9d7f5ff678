// A small radix-2 FFT for the built-in embedding's front-end, so the torch-free core needs no
// FFT dependency. Only power spectra of real frames are needed.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace diarize {

class PowerSpectrum {
 public:
  // `fft_size` must be a power of two >= 2.
  explicit PowerSpectrum(size_t fft_size);

  size_t fft_size() const { return fft_size_; }
  size_t num_bins() const { return fft_size_ / 2 + 1; }

  // |X[k]|^2 for k = 0..fft_size/2 of `frame` (length <= fft_size, zero-padded). `power` is
  // resized to num_bins().
  void compute(const float* frame, size_t frame_length, std::vector<float>& power);

 private:
  size_t fft_size_;
  std::vector<std::complex<double>> twiddles_;  // exp(-2 pi i k / n), k < n/2
  std::vector<size_t> bit_reverse_;
  std::vector<std::complex<double>> buffer_;
};

}  // namespace diarize
