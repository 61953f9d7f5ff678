// MFCC front-end of the built-in embedding (25 ms Hamming frames every 10 ms, pre-emphasis,
// 512-point power spectrum, 40 HTK mel bands, log, DCT).
#include "pipeline/builtin_features.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "pipeline/builtin_fft.h"

namespace diarize {
namespace {

double hz_to_mel(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

// Floor of the mel energies: keeps digital silence finite without dominating the statistics.
constexpr float kEnergyFloor = 1e-10f;

}  // namespace

void MfccConfig::validate() const {
  if (sample_rate_hz <= 0) throw std::invalid_argument("sample_rate_hz must be positive");
  if (frame_length_samples <= 0 || frame_shift_samples <= 0)
    throw std::invalid_argument("frame length and shift must be positive");
  if (fft_size < frame_length_samples) throw std::invalid_argument("fft_size shorter than a frame");
  if (num_mel_bands < 2) throw std::invalid_argument("need at least 2 mel bands");
  if (!(low_hz >= 0.0 && low_hz < high_hz && high_hz <= sample_rate_hz / 2.0))
    throw std::invalid_argument("mel band edges must satisfy 0 <= low < high <= Nyquist");
  if (num_cepstra < 1 || num_cepstra >= num_mel_bands)
    throw std::invalid_argument("num_cepstra must be in [1, num_mel_bands)");
}

std::vector<std::vector<float>> mel_filterbank(const MfccConfig& config) {
  config.validate();
  const int num_bins = config.fft_size / 2 + 1;
  const double mel_low = hz_to_mel(config.low_hz);
  const double mel_high = hz_to_mel(config.high_hz);
  const double mel_step = (mel_high - mel_low) / (config.num_mel_bands + 1);
  const double bin_hz = static_cast<double>(config.sample_rate_hz) / config.fft_size;
  std::vector<std::vector<float>> filters(config.num_mel_bands, std::vector<float>(num_bins, 0.0f));
  for (int m = 0; m < config.num_mel_bands; ++m) {
    const double left = mel_low + m * mel_step;
    const double centre = left + mel_step;
    const double right = centre + mel_step;
    for (int k = 0; k < num_bins; ++k) {
      const double mel = hz_to_mel(k * bin_hz);
      double weight = 0.0;
      if (mel > left && mel <= centre) weight = (mel - left) / (centre - left);
      else if (mel > centre && mel < right) weight = (right - mel) / (right - centre);
      filters[m][k] = static_cast<float>(weight);
    }
  }
  return filters;
}

namespace {

// One frame at a time: log_mel_energies stores every row, compute_mfcc turns each into cepstra
// at once, so a four-hour file never holds its 40-band matrix (230 MB) beside the MFCCs.
class LogMelFrames {
 public:
  explicit LogMelFrames(const MfccConfig& config)
      : config_(config), filters_(mel_filterbank(config)), support_(filters_.size()),
        window_(static_cast<size_t>(config.frame_length_samples)), spectrum_(static_cast<size_t>(config.fft_size)),
        frame_(window_.size()) {
    // Each filter is non-zero on a short run of bins; iterating only that run is ~10x cheaper.
    for (size_t m = 0; m < filters_.size(); ++m) {
      int first = -1, last = -2;
      for (int k = 0; k < static_cast<int>(filters_[m].size()); ++k)
        if (filters_[m][k] > 0.0f) { if (first < 0) first = k; last = k; }
      support_[m] = {first < 0 ? 0 : first, last + 1};
    }
    const size_t length = window_.size();
    for (size_t i = 0; i < length; ++i)
      window_[i] = static_cast<float>(0.54 - 0.46 * std::cos(2.0 * M_PI * i / (length - 1)));
  }

  int num_frames(size_t num_samples) const {
    const size_t length = window_.size(), shift = static_cast<size_t>(config_.frame_shift_samples);
    return num_samples < length ? 0 : static_cast<int>(1 + (num_samples - length) / shift);
  }

  // Frame t's num_mel_bands log energies into `row`.
  void compute(const float* samples, int t, float* row) {
    const size_t length = window_.size();
    const float* x = samples + static_cast<size_t>(t) * static_cast<size_t>(config_.frame_shift_samples);
    double mean = 0.0;
    for (size_t i = 0; i < length; ++i) mean += x[i];
    mean /= static_cast<double>(length);
    // DC removal, then pre-emphasis inside the frame (the first sample uses itself as history).
    for (size_t i = length; i-- > 0;) {
      const double prev = x[i > 0 ? i - 1 : 0] - mean;
      frame_[i] = static_cast<float>((x[i] - mean) - config_.preemphasis * prev) * window_[i];
    }
    spectrum_.compute(frame_.data(), length, power_);
    for (size_t m = 0; m < filters_.size(); ++m) {
      double energy = 0.0;
      for (int k = support_[m].first; k < support_[m].second; ++k) energy += filters_[m][k] * power_[k];
      row[m] = std::log(std::max(static_cast<float>(energy), kEnergyFloor));
    }
  }

 private:
  MfccConfig config_;
  std::vector<std::vector<float>> filters_;
  std::vector<std::pair<int, int>> support_;
  std::vector<float> window_;
  PowerSpectrum spectrum_;
  std::vector<float> frame_, power_;
};

FeatureMatrix empty_features(const MfccConfig& config, int dim, int num_frames) {
  FeatureMatrix out;
  out.dim = dim;
  out.num_frames = num_frames;
  out.frame_shift_s = static_cast<double>(config.frame_shift_samples) / config.sample_rate_hz;
  out.frame_length_s = static_cast<double>(config.frame_length_samples) / config.sample_rate_hz;
  out.values.assign(static_cast<size_t>(num_frames) * dim, 0.0f);
  return out;
}

}  // namespace

FeatureMatrix log_mel_energies(const float* samples, size_t num_samples, const MfccConfig& config) {
  config.validate();
  LogMelFrames mel(config);
  FeatureMatrix out = empty_features(config, config.num_mel_bands, mel.num_frames(num_samples));
  for (int t = 0; t < out.num_frames; ++t) mel.compute(samples, t, out.values.data() + static_cast<size_t>(t) * out.dim);
  return out;
}

FeatureMatrix compute_mfcc(const float* samples, size_t num_samples, const MfccConfig& config) {
  config.validate();
  LogMelFrames mel(config);
  FeatureMatrix out = empty_features(config, config.num_cepstra, mel.num_frames(num_samples));
  const int bands = config.num_mel_bands;
  std::vector<float> dct(static_cast<size_t>(out.dim) * bands);
  for (int q = 0; q < out.dim; ++q)
    for (int m = 0; m < bands; ++m)
      dct[static_cast<size_t>(q) * bands + m] = static_cast<float>(
          std::sqrt(2.0 / bands) * std::cos(M_PI * (q + 1) * (m + 0.5) / bands));
  std::vector<float> in(static_cast<size_t>(bands));
  for (int t = 0; t < out.num_frames; ++t) {
    mel.compute(samples, t, in.data());
    float* row = out.values.data() + static_cast<size_t>(t) * out.dim;
    for (int q = 0; q < out.dim; ++q) {
      const float* basis = dct.data() + static_cast<size_t>(q) * bands;
      double acc = 0.0;
      for (int m = 0; m < bands; ++m) acc += basis[m] * in[m];
      row[q] = static_cast<float>(acc);
    }
  }
  if (config.normalise_per_file) normalise_columns(out);
  return out;
}

void normalise_columns(FeatureMatrix& features) {
  if (features.num_frames == 0) return;
  for (int d = 0; d < features.dim; ++d) {
    double sum = 0.0, sum_sq = 0.0;
    for (int t = 0; t < features.num_frames; ++t) {
      const double v = features.values[static_cast<size_t>(t) * features.dim + d];
      sum += v;
      sum_sq += v * v;
    }
    const double mean = sum / features.num_frames;
    const double var = std::max(0.0, sum_sq / features.num_frames - mean * mean);
    const double scale = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;
    for (int t = 0; t < features.num_frames; ++t) {
      float& v = features.values[static_cast<size_t>(t) * features.dim + d];
      v = static_cast<float>((v - mean) * scale);
    }
  }
}

}  // namespace diarize
