// pyannote's Inference.aggregate: overlap-add of per-chunk frame arrays onto the global frame grid.
// Shared by speaker counting (mean) and reconstruction (sum).
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

struct AggregationOptions {
  bool skip_average = false;  // true: plain sum (to_diarization); false: mean over contributions
  float missing = 0.0f;       // value of frames that no non-NaN chunk frame reached
};

// Number of global frames: closest_frame(chunk.start + chunk.duration + (C - 1) * chunk.step) + 1
// (plus half a frame duration inside closest_frame for a grid with half_frame_offset). It reaches
// past the end of the audio; pyannote does not crop it.
int64_t aggregated_num_frames(int64_t num_chunks, const FrameGrid& chunks, const FrameGrid& frames);

// Global frame where chunk c's first frame lands: frames.closest_frame(chunk c's start), or
// closest_frame(start + duration / 2) with half_frame_offset.
std::vector<int64_t> chunk_start_frames(int64_t num_chunks, const FrameGrid& chunks, const FrameGrid& frames);

// The frame grid of every aggregated series: `frames` re-anchored at the chunks' start.
FrameGrid aggregated_frame_grid(const FrameGrid& chunks, const FrameGrid& frames);

// hamming=False and warm_up=(0, 0), the only settings the 3.1 and 4.x pipelines use. NaN entries count as
// absent (mask = not NaN). Accumulates in float32 like pyannote's float32 buffers, and the mean is a
// float32 division by max(contributions, 1e-12).
FrameSeries aggregate(const ChunkFrames& scores, const FrameGrid& chunks, const FrameGrid& frames,
                      const AggregationOptions& options);

}  // namespace diarize
