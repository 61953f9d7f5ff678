// The newcomer takes the floor in overlapped speech.
#include "pipeline/turn_taking.h"

#include <stdexcept>

namespace diarize {

FrameSeries exclusive_by_turn_taking(const FrameSeries& regular, const FrameSeries& activations) {
  if (activations.num_frames != regular.num_frames || activations.num_columns < regular.num_columns)
    throw std::invalid_argument("exclusive_by_turn_taking: shapes do not match");
  FrameSeries exclusive = regular;
  std::vector<int64_t> turn_start(static_cast<size_t>(regular.num_columns), -1);
  for (int64_t f = 0; f < regular.num_frames; ++f) {
    int64_t chosen = -1;
    for (int64_t k = 0; k < regular.num_columns; ++k) {
      if (regular.at(f, k) <= 0.5f) {
        turn_start[k] = -1;
        continue;
      }
      if (turn_start[k] < 0) turn_start[k] = f;
      if (chosen < 0 || turn_start[k] > turn_start[chosen] ||
          (turn_start[k] == turn_start[chosen] && activations.at(f, k) > activations.at(f, chosen)))
        chosen = k;
    }
    for (int64_t k = 0; k < regular.num_columns; ++k) exclusive.at(f, k) = k == chosen ? 1.0f : 0.0f;
  }
  return exclusive;
}

}  // namespace diarize
