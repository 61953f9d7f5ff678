// pyannote.core's SlidingWindow: the uniform time grids that chunks and frames live on, with the
// exact rounding pyannote uses to map times to frame indices.
#pragma once

#include <cstdint>

namespace diarize {

struct FrameGrid {
  double start_s = 0.0;
  double step_s = 0.0;
  double duration_s = 0.0;
  // How Inference.aggregate puts a chunk's frames on this grid. pyannote 3.1.1 starts chunk c at
  // closest_frame(c's start) and counts closest_frame(end) + 1 frames; pyannote >= 3.2 adds half a
  // frame duration to both times before rounding (so frame f of a chunk starting at t lands at
  // rint(t / step) + f). Only aggregation reads this; a grid's frame times do not depend on it.
  bool half_frame_offset = false;

  // Index of the frame whose centre is closest to `t_s`. numpy's rint rounds halves to even, and
  // exact halves really occur on the 3.1 grid (chunk at 10 s -> 588.5 -> 588), so this must not be
  // std::round.
  int64_t closest_frame(double t_s) const;
  // Start and middle of frame `i`, computed the way pyannote.core does (start + i*step, then
  // 0.5*(start + end)) so that printed times agree to the last digit.
  double frame_start_s(int64_t i) const;
  double frame_middle_s(int64_t i) const;
};

// pyannote 3.1's segmentation frame grid: 589 frames per 10 s chunk, step = duration = 10/589 s
// (not the receptive-field grid of pyannote >= 3.3).
constexpr int kFramesPerChunk = 589;
FrameGrid segmentation_frame_grid();

// pyannote 4.x (community-1): the segmentation model's receptive field, step 270 and duration 991
// samples at 16 kHz (0.016875 s, 0.0619375 s), aggregated with the half-frame offset.
FrameGrid receptive_field_frame_grid();

}  // namespace diarize
