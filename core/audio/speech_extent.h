// Where speech starts and ends in a clip: the span between the first and last 10 ms frame whose
// energy is within 40 dB of the loudest. Used by the tools that build conversations from clips
// (test/bench/make_mixes.cpp's reference turns, tools/train_builtin_plda.cpp's training mixes), so
// both trim alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace diarize {

// [first, last) samples of `x` (sample_rate_hz samples per second); the whole clip when it is
// shorter than one frame.
inline std::pair<size_t, size_t> speech_extent(const std::vector<float>& x, int sample_rate_hz) {
  const size_t frame = static_cast<size_t>(sample_rate_hz) / 100;
  std::vector<double> energy;
  for (size_t i = 0; i + frame <= x.size(); i += frame) {
    double e = 0;
    for (size_t k = 0; k < frame; ++k) e += static_cast<double>(x[i + k]) * x[i + k];
    energy.push_back(e / frame);
  }
  if (energy.empty()) return {0, x.size()};
  const double floor = *std::max_element(energy.begin(), energy.end()) * 1e-4;
  size_t first = 0, last = energy.size();
  while (first < energy.size() && energy[first] < floor) ++first;
  while (last > first && energy[last - 1] < floor) --last;
  return {first * frame, last * frame};
}

}  // namespace diarize
