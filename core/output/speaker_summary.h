// Per-speaker totals of a diarization's regular turns, for the JSON "summary".
#pragma once

#include <vector>

#include "output/diarization.h"

namespace diarize {

struct SpeakerSummary {
  double speech_s = 0.0;   // time this speaker speaks (its turns' union)
  double share = 0.0;      // speech_s / the sum of all speakers' speech_s (0 when nobody speaks)
  int turns = 0;           // number of its turns
  double overlap_s = 0.0;  // time it speaks while at least one other speaker does
};

// One entry per label of `labels`, from `turns` (the regular, overlapping turns).
std::vector<SpeakerSummary> summarize_speakers(const std::vector<std::string>& labels,
                                               const std::vector<SpeakerTurn>& turns);

}  // namespace diarize
