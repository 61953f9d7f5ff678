// The built-in embedding's front-end: FFT, mel filterbank, MFCC framing and file normalisation.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "pipeline/builtin_features.h"
#include "pipeline/builtin_fft.h"

using namespace diarize;

namespace {
std::vector<float> tone(double hz, double seconds, double amplitude = 0.5) {
  std::vector<float> x(static_cast<size_t>(seconds * 16000));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * i / 16000.0));
  return x;
}
}  // namespace

TEST_CASE("power spectrum of a bin-centred cosine lands in its bin and keeps Parseval's energy", "[builtin]") {
  const size_t n = 64;
  PowerSpectrum spectrum(n);
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::cos(2 * M_PI * 5 * i / n));
  std::vector<float> power;
  spectrum.compute(x.data(), n, power);
  REQUIRE(power.size() == n / 2 + 1);
  // |X[5]| = n/2 for a unit cosine; float input, double FFT: 1e-3 relative is generous.
  CHECK(power[5] == Approx((n / 2.0) * (n / 2.0)).epsilon(1e-3));
  for (size_t k = 0; k < power.size(); ++k)
    if (k != 5) CHECK(power[k] < 1e-6);
  // Parseval with the one-sided spectrum: sum x^2 = (|X0|^2 + 2 sum |Xk|^2 + |X_{n/2}|^2) / n.
  double time_energy = 0, freq_energy = power[0] + power[n / 2];
  for (float v : x) time_energy += v * v;
  for (size_t k = 1; k < n / 2; ++k) freq_energy += 2 * power[k];
  CHECK(freq_energy / n == Approx(time_energy).epsilon(1e-5));
}

TEST_CASE("FFT sizes that are not powers of two are refused", "[builtin]") {
  CHECK_THROWS_AS(PowerSpectrum(100), std::invalid_argument);
  CHECK_THROWS_AS(PowerSpectrum(1), std::invalid_argument);
}

TEST_CASE("a tone's energy lands in the mel band centred nearest to it", "[builtin]") {
  MfccConfig config;
  const auto filters = mel_filterbank(config);
  REQUIRE(filters.size() == static_cast<size_t>(config.num_mel_bands));
  for (double hz : {300.0, 1000.0, 3000.0}) {
    const std::vector<float> x = tone(hz, 0.5);
    const FeatureMatrix mel = log_mel_energies(x.data(), x.size(), config);
    REQUIRE(mel.num_frames > 0);
    // The band whose filter peaks nearest to hz: the largest filter weight at hz's bin.
    const int bin = static_cast<int>(std::lround(hz * config.fft_size / config.sample_rate_hz));
    int expected = 0;
    for (int m = 1; m < config.num_mel_bands; ++m)
      if (filters[m][bin] > filters[expected][bin]) expected = m;
    const float* row = mel.row(mel.num_frames / 2);
    int loudest = 0;
    for (int m = 1; m < mel.dim; ++m)
      if (row[m] > row[loudest]) loudest = m;
    INFO("tone " << hz << " Hz");
    CHECK(loudest == expected);
  }
}

TEST_CASE("MFCC framing is 25 ms every 10 ms without padding, and normalised per file", "[builtin]") {
  MfccConfig config;
  std::vector<float> x = tone(440.0, 1.0);
  for (size_t i = 0; i < x.size(); ++i) x[i] += static_cast<float>(0.1 * (((i * 2654435761u) % 1000) / 1000.0 - 0.5));
  const FeatureMatrix mfcc = compute_mfcc(x.data(), x.size(), config);
  CHECK(mfcc.num_frames == 1 + (16000 - 400) / 160);
  CHECK(mfcc.dim == config.num_cepstra);
  CHECK(mfcc.frame_centre_s(0) == Approx(0.0125));
  for (int d = 0; d < mfcc.dim; ++d) {
    double sum = 0, sum_sq = 0;
    for (int t = 0; t < mfcc.num_frames; ++t) {
      sum += mfcc.row(t)[d];
      sum_sq += mfcc.row(t)[d] * mfcc.row(t)[d];
    }
    // float32 accumulation of ~100 values: 1e-4 absolute.
    CHECK(sum / mfcc.num_frames == Approx(0.0).margin(1e-4));
    CHECK(sum_sq / mfcc.num_frames == Approx(1.0).margin(1e-3));
  }
  const std::vector<float> short_input(399, 0.1f);
  CHECK(compute_mfcc(short_input.data(), short_input.size(), config).num_frames == 0);
}

TEST_CASE("bad MFCC settings are refused", "[builtin]") {
  MfccConfig config;
  config.num_cepstra = config.num_mel_bands;
  CHECK_THROWS_AS(config.validate(), std::invalid_argument);
  config = MfccConfig{};
  config.high_hz = 9000.0;
  CHECK_THROWS_AS(config.validate(), std::invalid_argument);
}
