// Frame features of the built-in speaker embedding: MFCCs over the whole file, computed once
// (not per chunk) and normalised across the file.
#pragma once

#include <cstddef>
#include <vector>

namespace diarize {

struct MfccConfig {
  int sample_rate_hz = 16000;
  int frame_length_samples = 400;  // 25 ms
  int frame_shift_samples = 160;   // 10 ms: 100 frames per second
  int fft_size = 512;
  double preemphasis = 0.97;
  int num_mel_bands = 40;
  double low_hz = 20.0;
  double high_hz = 7600.0;
  // Cepstra c1..c{num_cepstra}; c0 (loudness) is dropped because it says more about the
  // microphone distance than about the speaker.
  int num_cepstra = 19;
  bool normalise_per_file = true;  // zero mean, unit variance per dimension over the file

  void validate() const;  // throws std::invalid_argument
};

// Row-major [num_frames, dim]. Frame t covers samples [t*shift, t*shift + length) (no padding),
// so its centre is at (t*shift + length/2) / rate seconds.
struct FeatureMatrix {
  int num_frames = 0;
  int dim = 0;
  double frame_shift_s = 0.0;
  double frame_length_s = 0.0;
  std::vector<float> values;

  const float* row(int t) const { return values.data() + static_cast<size_t>(t) * dim; }
  double frame_centre_s(int t) const { return t * frame_shift_s + 0.5 * frame_length_s; }
};

// Triangular mel filters on the power-spectrum bins, [num_mel_bands][fft_size/2+1] (HTK mel).
std::vector<std::vector<float>> mel_filterbank(const MfccConfig& config);

// Log mel energies of every frame, [num_frames, num_mel_bands].
FeatureMatrix log_mel_energies(const float* samples, size_t num_samples, const MfccConfig& config);

// MFCCs (orthonormal DCT-II of the log mel energies, c1..c{num_cepstra}), optionally normalised
// over the file.
FeatureMatrix compute_mfcc(const float* samples, size_t num_samples, const MfccConfig& config);

// Zero mean, unit variance per column over all rows (a constant column stays 0).
void normalise_columns(FeatureMatrix& features);

}  // namespace diarize
