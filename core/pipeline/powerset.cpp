// Hard powerset decoding (argmax, then the class -> speakers mapping).
#include "pipeline/powerset.h"

#include <stdexcept>

namespace diarize {

namespace {
// kMapping[k][s]: whether class k contains local speaker s.
constexpr bool kMapping[kPowersetClasses][kLocalSpeakers] = {
    {false, false, false}, {true, false, false}, {false, true, false}, {false, false, true},
    {true, true, false},   {true, false, true},  {false, true, true}};
}  // namespace

bool powerset_class_has_speaker(int k, int speaker) { return kMapping[k][speaker]; }

ChunkFrames powerset_to_multilabel(const ChunkFrames& log_probabilities) {
  if (log_probabilities.num_columns != kPowersetClasses)
    throw std::invalid_argument("powerset decoding expects 7 classes per frame");
  ChunkFrames out(log_probabilities.num_chunks, log_probabilities.num_frames, kLocalSpeakers);
  for (int64_t c = 0; c < log_probabilities.num_chunks; ++c) {
    for (int64_t f = 0; f < log_probabilities.num_frames; ++f) {
      const float* row = &log_probabilities.values[log_probabilities.index(c, f, 0)];
      int best = 0;
      // Strict '>' keeps the first maximum; a NaN never wins (torch would pick it, but a finite
      // network output never contains one).
      for (int k = 1; k < kPowersetClasses; ++k)
        if (row[k] > row[best]) best = k;
      for (int s = 0; s < kLocalSpeakers; ++s) out.at(c, f, s) = kMapping[best][s] ? 1.0f : 0.0f;
    }
  }
  return out;
}

}  // namespace diarize
