// Measures libsamplerate's converters for diarize's front-end: speed (seconds of audio per second)
// and quality (passband tone error, rejection of a tone above the new Nyquist). Output goes into
// docs/audio.md. Usage: bench_resampler
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "audio/resampler.h"

using namespace diarize;

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(int rate, double hz, double seconds, double amplitude) {
  std::vector<float> x(static_cast<size_t>(rate * seconds));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * hz * i / rate));
  return x;
}

double rms(const std::vector<float>& x, size_t begin, size_t end) {
  double s = 0;
  for (size_t i = begin; i < end; ++i) s += double(x[i]) * x[i];
  return std::sqrt(s / double(end - begin));
}

// Error of the resampled 1 kHz tone against the ideal one, in dB relative to the tone.
double passband_error_db(const std::vector<float>& y, double hz, double amplitude) {
  const size_t begin = y.size() / 10, end = y.size() - y.size() / 10;
  double err = 0;
  for (size_t i = begin; i < end; ++i) {
    const double ideal = amplitude * std::sin(2 * kPi * hz * i / 16000.0);
    err += (y[i] - ideal) * (y[i] - ideal);
  }
  err = std::sqrt(err / double(end - begin));
  return 20 * std::log10(err / (amplitude / std::sqrt(2.0)));
}
}  // namespace

int main() {
  const struct { const char* name; ResampleQuality q; } converters[] = {
      {"SRC_SINC_BEST_QUALITY", ResampleQuality::kBest},
      {"SRC_SINC_MEDIUM_QUALITY", ResampleQuality::kMedium},
      {"SRC_SINC_FASTEST", ResampleQuality::kFastest}};
  std::printf("| converter | input | x real time (1 thread) | 1 kHz tone error (dB) | 9 kHz tone left (dB) |\n");
  std::printf("|---|---|---:|---:|---:|\n");
  for (int rate : {44100, 48000, 8000}) {
    for (const auto& c : converters) {
      const double seconds = 60.0;
      const auto x = tone(rate, 1000.0, seconds, 0.5);
      const auto t0 = std::chrono::steady_clock::now();
      const auto y = resample(x, rate, 16000, c.q);
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double error_db = passband_error_db(y, 1000.0, 0.5);
      double alias_db = NAN;
      if (rate > 16000) {
        const auto a = resample(tone(rate, 9000.0, 5.0, 0.5), rate, 16000, c.q);
        alias_db = 20 * std::log10(rms(a, a.size() / 10, a.size() - a.size() / 10) / (0.5 / std::sqrt(2.0)));
      }
      std::printf("| %s | %d Hz | %.0f | %.1f | %s |\n", c.name, rate, seconds / elapsed, error_db,
                  std::isnan(alias_db) ? "n/a" : std::to_string(alias_db).substr(0, 6).c_str());
    }
  }
  return 0;
}
