// Streaming sample-rate conversion to the pipeline's rate with libsamplerate.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace diarize {

// The default converter (SRC_SINC_FASTEST) was chosen from measured quality and speed, see docs/audio.md:
// its error stays below -100 dB, far under 16-bit noise, at 2-3x the speed of the medium one.
enum class ResampleQuality { kBest, kMedium, kFastest };

class Resampler {
 public:
  Resampler(int input_rate_hz, int output_rate_hz, ResampleQuality quality = ResampleQuality::kFastest);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts a block of mono samples and appends the result to `out`.
  void process(const float* samples, size_t count, std::vector<float>& out);
  // Flushes what the filter still holds (libsamplerate needs repeated end-of-input calls).
  void finish(std::vector<float>& out);

  double ratio() const { return ratio_; }

 private:
  void run(const float* samples, size_t count, bool end_of_input, std::vector<float>& out);
  struct State;
  std::unique_ptr<State> state_;
  double ratio_;
};

// One-shot convenience for tests and short buffers.
std::vector<float> resample(const std::vector<float>& samples, int input_rate_hz, int output_rate_hz,
                            ResampleQuality quality = ResampleQuality::kFastest);

}  // namespace diarize
