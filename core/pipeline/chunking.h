// How pyannote's Inference.slide cuts 16 kHz audio into 10 s chunks every 1 s, including the
// single zero-padded last chunk, and how a chunk's samples are gathered.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pipeline/frame_grid.h"

namespace diarize {

struct ChunkingConfig {
  int64_t window_samples = 160000;  // 10 s at 16 kHz
  int64_t step_samples = 16000;     // 1 s at 16 kHz
  int sample_rate_hz = 16000;
};

struct ChunkLayout {
  int64_t num_full_chunks = 0;  // chunks that lie entirely inside the audio
  bool has_padded_chunk = false;
  int64_t num_chunks() const { return num_full_chunks + (has_padded_chunk ? 1 : 0); }
};

// n_full = (N - window) / step + 1 (0 when N < window), plus one zero-padded chunk iff N < window or
// (N - window) % step > 0. The padded chunk starts at n_full * step and holds every remaining sample.
ChunkLayout chunk_layout(int64_t num_samples, const ChunkingConfig& config = {});

// The chunks' time grid, as pyannote's SlidingWindow(start=0, duration=10, step=1).
FrameGrid chunk_grid(const ChunkingConfig& config = {});

int64_t chunk_start_sample(int64_t chunk, const ChunkingConfig& config = {});

// Copies chunk `chunk` of `samples` into `out` (window_samples floats), zero-filling past the end
// of the audio. Used for the segmentation batches and for the embedding crops (pyannote's
// Audio.crop(mode="pad") yields the same samples).
void fill_chunk(const float* samples, int64_t num_samples, int64_t chunk, float* out,
                const ChunkingConfig& config = {});

}  // namespace diarize
