// pyannote.core SlidingWindow arithmetic (closest_frame, frame middles).
#include "pipeline/frame_grid.h"

#include <cmath>

namespace diarize {

int64_t FrameGrid::closest_frame(double t_s) const {
  // std::nearbyint honours the default rounding mode (to nearest, ties to even), as np.rint does.
  return static_cast<int64_t>(std::nearbyint((t_s - start_s - 0.5 * duration_s) / step_s));
}

double FrameGrid::frame_start_s(int64_t i) const { return start_s + static_cast<double>(i) * step_s; }

double FrameGrid::frame_middle_s(int64_t i) const {
  const double start = frame_start_s(i);
  const double end = start + duration_s;
  return 0.5 * (start + end);
}

FrameGrid segmentation_frame_grid() {
  const double step_s = 10.0 / kFramesPerChunk;
  return FrameGrid{0.0, step_s, step_s, false};
}

FrameGrid receptive_field_frame_grid() { return FrameGrid{0.0, 270.0 / 16000.0, 991.0 / 16000.0, true}; }

}  // namespace diarize
