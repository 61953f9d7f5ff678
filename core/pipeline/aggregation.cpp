// Overlap-add aggregation (pyannote.audio 3.1.1 core/inference.py::Inference.aggregate).
#include "pipeline/aggregation.h"

#include <algorithm>
#include <cmath>

namespace diarize {

FrameGrid aggregated_frame_grid(const FrameGrid& chunks, const FrameGrid& frames) {
  // pyannote re-anchors the frame grid at the chunks' start.
  return FrameGrid{chunks.start_s, frames.step_s, frames.duration_s, frames.half_frame_offset};
}

namespace {

// The time whose closest frame aggregation takes for time t (pyannote >= 3.2 adds half a frame).
double placed(double t, const FrameGrid& frames) {
  return frames.half_frame_offset ? t + 0.5 * frames.duration_s : t;
}

}  // namespace

int64_t aggregated_num_frames(int64_t num_chunks, const FrameGrid& chunks, const FrameGrid& frames) {
  const FrameGrid grid = aggregated_frame_grid(chunks, frames);
  return grid.closest_frame(placed(
             chunks.start_s + chunks.duration_s + static_cast<double>(num_chunks - 1) * chunks.step_s, frames)) +
         1;
}

std::vector<int64_t> chunk_start_frames(int64_t num_chunks, const FrameGrid& chunks, const FrameGrid& frames) {
  const FrameGrid grid = aggregated_frame_grid(chunks, frames);
  std::vector<int64_t> starts(static_cast<size_t>(std::max<int64_t>(num_chunks, 0)));
  for (int64_t c = 0; c < num_chunks; ++c)
    starts[static_cast<size_t>(c)] = grid.closest_frame(placed(chunks.frame_start_s(c), frames));
  return starts;
}

FrameSeries aggregate(const ChunkFrames& scores, const FrameGrid& chunks, const FrameGrid& frames,
                      const AggregationOptions& options) {
  FrameSeries out;
  out.frames = aggregated_frame_grid(chunks, frames);
  out.num_columns = scores.num_columns;
  if (scores.num_chunks == 0) return out;
  out.num_frames = aggregated_num_frames(scores.num_chunks, chunks, frames);
  const size_t size = static_cast<size_t>(out.num_frames * out.num_columns);
  std::vector<float> sum(size, 0.0f), contributions(size, 0.0f);
  std::vector<uint8_t> reached(size, 0);

  const std::vector<int64_t> starts = chunk_start_frames(scores.num_chunks, chunks, frames);
  for (int64_t c = 0; c < scores.num_chunks; ++c) {
    const int64_t first = starts[static_cast<size_t>(c)];
    for (int64_t f = 0; f < scores.num_frames; ++f) {
      const int64_t g = first + f;
      if (g < 0 || g >= out.num_frames) continue;  // cannot happen on a consistent grid
      for (int64_t k = 0; k < scores.num_columns; ++k) {
        const float value = scores.at(c, f, k);
        const size_t i = static_cast<size_t>(g * out.num_columns + k);
        if (std::isnan(value)) continue;
        // numpy adds the float64 product into the float32 buffer: round once per addition.
        sum[i] = static_cast<float>(static_cast<double>(sum[i]) + static_cast<double>(value));
        contributions[i] += 1.0f;
        reached[i] = 1;
      }
    }
  }

  out.values.resize(size);
  for (size_t i = 0; i < size; ++i) {
    if (!reached[i]) {
      out.values[i] = options.missing;
    } else if (options.skip_average) {
      out.values[i] = sum[i];
    } else {
      out.values[i] = sum[i] / std::max(contributions[i], 1e-12f);
    }
  }
  return out;
}

}  // namespace diarize
