// pyannote's speaker_count: the instantaneous number of speakers per global frame, the mean over
// overlapping chunks of each chunk's local speaker count, rounded half-to-even.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

struct SpeakerCount {
  FrameGrid frames;
  std::vector<float> mean;     // before rounding (pyannote's float32 average)
  std::vector<uint8_t> count;  // np.rint(mean): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2
  int64_t num_frames() const { return static_cast<int64_t>(count.size()); }
  int max_count() const;
};

// `segmentation` is the hard [C, F, S] activity; chunks and frames as in aggregate().
SpeakerCount speaker_count(const ChunkFrames& segmentation, const FrameGrid& chunks, const FrameGrid& frames);

}  // namespace diarize
