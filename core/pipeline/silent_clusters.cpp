// Frames for clusters the top-count reconstruction left silent.
#include "pipeline/silent_clusters.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace diarize {
namespace {

bool is_on(const FrameSeries& binary, int64_t k, int64_t end_frame) {
  for (int64_t f = 0; f < end_frame; ++f)
    if (binary.at(f, k) > 0.5f) return true;
  return false;
}

}  // namespace

int give_silent_clusters_frames(const FrameSeries& activations, const std::vector<int>& count, int64_t num_clusters,
                                const SilentClusterRule& rule, FrameSeries& binary) {
  if (binary.num_frames != activations.num_frames || binary.num_columns != activations.num_columns ||
      static_cast<int64_t>(count.size()) != activations.num_frames || num_clusters > activations.num_columns)
    throw std::invalid_argument("give_silent_clusters_frames: shapes do not match");
  if (!(rule.max_turn_s > 0.0)) return 0;
  const FrameGrid& grid = activations.frames;
  const auto max_frames = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(rule.max_turn_s / grid.step_s)));
  // Turns start at frame middles: frames whose middle is before the end of the audio.
  int64_t end_frame = 0;
  while (end_frame < activations.num_frames && grid.frame_middle_s(end_frame) < rule.end_s) ++end_frame;
  std::vector<bool> kept(static_cast<size_t>(num_clusters), false);  // given frames here: never displaced
  int given = 0;
  // A displaced cluster may fall silent in turn; each pass protects one more cluster, so at most
  // num_clusters passes.
  for (int64_t pass = 0; pass < num_clusters; ++pass) {
    bool changed = false;
    for (int64_t k = 0; k < num_clusters; ++k) {
      if (is_on(binary, k, end_frame)) continue;
      // Where count padding is on (a speaker the clusters could not name), the turn costs no
      // speaker anything: such frames come first, then the strongest activation.
      auto padded = [&](int64_t f) {
        for (int64_t j = num_clusters; j < binary.num_columns; ++j)
          if (binary.at(f, j) > 0.5f) return true;
        return false;
      };
      int64_t peak = -1;
      bool peak_padded = false;
      for (int64_t f = 0; f < end_frame; ++f) {
        if (!(activations.at(f, k) > 0.0f)) continue;
        const bool p = padded(f);
        if (peak < 0 || (p && !peak_padded) || (p == peak_padded && activations.at(f, k) > activations.at(peak, k))) {
          peak = f;
          peak_padded = p;
        }
      }
      if (peak < 0) continue;  // never active: nothing to give
      const float floor = 0.5f * activations.at(peak, k);
      auto fits = [&](int64_t f) { return activations.at(f, k) >= floor && padded(f) == peak_padded; };
      int64_t first = peak, last = peak;
      // Grown one frame at a time on alternate sides, so the run stays centred on the peak.
      for (bool grew = true; grew && last - first + 1 < max_frames;) {
        grew = false;
        if (first > 0 && fits(first - 1)) { --first; grew = true; }
        if (last - first + 1 < max_frames && last + 1 < end_frame && fits(last + 1)) {
          ++last;
          grew = true;
        }
      }
      for (int64_t f = first; f <= last; ++f) {
        int64_t weakest = -1;
        for (int64_t j = 0; j < binary.num_columns; ++j) {
          if (j == k || binary.at(f, j) < 0.5f || (j < num_clusters && kept[static_cast<size_t>(j)])) continue;
          if (weakest < 0 || activations.at(f, j) < activations.at(f, weakest)) weakest = j;
        }
        if (weakest >= 0) binary.at(f, weakest) = 0.0f;
        binary.at(f, k) = 1.0f;
      }
      kept[static_cast<size_t>(k)] = true;
      ++given;
      changed = true;
    }
    if (!changed) break;
  }
  return given;
}

}  // namespace diarize
