// Fast mode against exact mode (issue #6's fidelity rule), shared by the fast-mode test and the
// fast_fidelity tool. Fast mode runs 3.1 on chunks every 2 s instead of 1 s, so each fast chunk is
// an exact-mode chunk (same start, same samples) except, for some lengths, the zero-padded last one.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"
#include "pipeline/frame_grid.h"
#include "pipeline/speaker_count.h"

namespace diarize::test {

// The exact-mode chunk with the same start and the same samples as fast chunk `k`, or -1.
inline int64_t matching_exact_chunk(int64_t k, const ChunkingConfig& fast, const ChunkLayout& fast_layout,
                                    const ChunkingConfig& exact, const ChunkLayout& exact_layout) {
  const int64_t start = chunk_start_sample(k, fast);
  if (start % exact.step_samples != 0) return -1;
  const int64_t j = start / exact.step_samples;
  if (j >= exact_layout.num_chunks() || chunk_start_sample(j, exact) != start) return -1;
  // A padded chunk holds every sample from its start to the end: same start, same samples.
  const bool fast_padded = k >= fast_layout.num_full_chunks, exact_padded = j >= exact_layout.num_full_chunks;
  return fast_padded == exact_padded ? j : -1;
}

struct PairComparison {
  std::vector<double> cosines;  // one per pair active in a fast chunk and in its exact chunk
  int64_t unmatched_pairs = 0;  // active fast pairs whose chunk has no exact counterpart
  int64_t activity_mismatches = 0;  // matched chunks where a local speaker is active in one mode only
};

// embeddings: [chunks, speakers, dim] with NaN rows for inactive pairs.
inline PairComparison compare_pairs(const std::vector<float>& exact, const ChunkingConfig& exact_chunking,
                                    const std::vector<float>& fast, const ChunkingConfig& fast_chunking,
                                    int64_t num_samples, int64_t num_speakers, int64_t dim) {
  PairComparison out;
  const int64_t fast_chunks = static_cast<int64_t>(fast.size()) / (num_speakers * dim);
  const ChunkLayout fast_layout = chunk_layout(num_samples, fast_chunking);
  const ChunkLayout exact_layout = chunk_layout(num_samples, exact_chunking);
  for (int64_t k = 0; k < fast_chunks; ++k) {
    const int64_t j = matching_exact_chunk(k, fast_chunking, fast_layout, exact_chunking, exact_layout);
    for (int64_t s = 0; s < num_speakers; ++s) {
      const float* f = &fast[static_cast<size_t>((k * num_speakers + s) * dim)];
      if (j < 0) {
        out.unmatched_pairs += std::isnan(f[0]) ? 0 : 1;
        continue;
      }
      const float* e = &exact[static_cast<size_t>((j * num_speakers + s) * dim)];
      if (std::isnan(f[0]) != std::isnan(e[0])) ++out.activity_mismatches;
      if (std::isnan(f[0]) || std::isnan(e[0])) continue;
      double dot = 0.0, ee = 0.0, ff = 0.0;
      for (int64_t d = 0; d < dim; ++d) {
        dot += static_cast<double>(e[d]) * f[d];
        ee += static_cast<double>(e[d]) * e[d];
        ff += static_cast<double>(f[d]) * f[d];
      }
      const double cosine = dot / std::sqrt(ee * ff);
      out.cosines.push_back(std::isnan(cosine) ? -1.0 : cosine);  // a zero vector fails any threshold
    }
  }
  return out;
}

// Agreement of the segmentation decisions on the common global frames (the same 10/589 s grid in
// both modes): the instantaneous speaker count, and speech (count > 0) against no speech.
struct FrameAgreement {
  int64_t frames = 0;
  int64_t same_count = 0;
  int64_t same_speech = 0;
  double count_share() const { return frames ? static_cast<double>(same_count) / frames : 1.0; }
  double speech_share() const { return frames ? static_cast<double>(same_speech) / frames : 1.0; }
};

inline FrameAgreement compare_frames(const ChunkFrames& exact, const ChunkingConfig& exact_chunking,
                                     const ChunkFrames& fast, const ChunkingConfig& fast_chunking,
                                     int64_t num_samples) {
  const FrameGrid frames = segmentation_frame_grid();
  const SpeakerCount a = speaker_count(exact, chunk_grid(exact_chunking), frames);
  const SpeakerCount b = speaker_count(fast, chunk_grid(fast_chunking), frames);
  // Frames past the end of the audio (the padded chunk reaches beyond it) are not compared.
  const int64_t in_audio = frames.closest_frame(static_cast<double>(num_samples) / exact_chunking.sample_rate_hz);
  FrameAgreement out;
  out.frames = std::min<int64_t>({static_cast<int64_t>(a.count.size()), static_cast<int64_t>(b.count.size()), in_audio});
  for (int64_t t = 0; t < out.frames; ++t) {
    out.same_count += a.count[static_cast<size_t>(t)] == b.count[static_cast<size_t>(t)];
    out.same_speech += (a.count[static_cast<size_t>(t)] > 0) == (b.count[static_cast<size_t>(t)] > 0);
  }
  return out;
}

}  // namespace diarize::test
