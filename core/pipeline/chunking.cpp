// Chunk layout of pyannote's Inference.slide (window 10 s, step 1 s, one zero-padded tail chunk).
#include "pipeline/chunking.h"

#include <algorithm>
#include <stdexcept>

namespace diarize {

ChunkLayout chunk_layout(int64_t num_samples, const ChunkingConfig& config) {
  if (num_samples < 0) throw std::invalid_argument("chunk_layout: negative sample count");
  ChunkLayout layout;
  if (num_samples >= config.window_samples)
    layout.num_full_chunks = (num_samples - config.window_samples) / config.step_samples + 1;
  layout.has_padded_chunk = num_samples < config.window_samples ||
                            (num_samples - config.window_samples) % config.step_samples > 0;
  return layout;
}

FrameGrid chunk_grid(const ChunkingConfig& config) {
  const double rate = static_cast<double>(config.sample_rate_hz);
  // SlidingWindow(start, duration, step): pyannote builds it from seconds, so do we.
  return FrameGrid{0.0, static_cast<double>(config.step_samples) / rate,
                   static_cast<double>(config.window_samples) / rate};
}

int64_t chunk_start_sample(int64_t chunk, const ChunkingConfig& config) { return chunk * config.step_samples; }

void fill_chunk(const float* samples, int64_t num_samples, int64_t chunk, float* out, const ChunkingConfig& config) {
  const int64_t begin = chunk_start_sample(chunk, config);
  const int64_t available = std::clamp<int64_t>(num_samples - begin, 0, config.window_samples);
  if (available > 0) std::copy(samples + begin, samples + begin + available, out);
  std::fill(out + available, out + config.window_samples, 0.0f);
}

}  // namespace diarize
