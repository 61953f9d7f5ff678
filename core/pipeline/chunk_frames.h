// The plain arrays the pipeline passes between stages: per-chunk frame arrays [chunks, frames,
// columns] (segmentations, log-probabilities) and global frame series [frames, columns].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/frame_grid.h"

namespace diarize {

// Row-major [num_chunks, num_frames, num_columns]; columns are local speakers or powerset classes.
struct ChunkFrames {
  int64_t num_chunks = 0;
  int64_t num_frames = 0;
  int64_t num_columns = 0;
  std::vector<float> values;

  ChunkFrames() = default;
  ChunkFrames(int64_t chunks, int64_t frames, int64_t columns, float fill = 0.0f)
      : num_chunks(chunks), num_frames(frames), num_columns(columns),
        values(static_cast<size_t>(chunks * frames * columns), fill) {}

  size_t index(int64_t c, int64_t f, int64_t k) const {
    return static_cast<size_t>((c * num_frames + f) * num_columns + k);
  }
  float& at(int64_t c, int64_t f, int64_t k) { return values[index(c, f, k)]; }
  float at(int64_t c, int64_t f, int64_t k) const { return values[index(c, f, k)]; }
};

// Row-major [num_frames, num_columns] on `frames`.
struct FrameSeries {
  FrameGrid frames;
  int64_t num_frames = 0;
  int64_t num_columns = 0;
  std::vector<float> values;

  float& at(int64_t f, int64_t k) { return values[static_cast<size_t>(f * num_columns + k)]; }
  float at(int64_t f, int64_t k) const { return values[static_cast<size_t>(f * num_columns + k)]; }
};

}  // namespace diarize
