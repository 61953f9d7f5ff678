// Which (chunk, local speaker) pairs get an embedding, and the frame weights each embedding pools
// with (pyannote 3.1 get_embeddings with embedding_exclude_overlap=True).
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

struct EmbeddingMaskConfig {
  bool exclude_overlap = true;  // the 3.1 config
  // ceil(589 * min_num_samples / 160000) with min_num_samples = 400 (one kaldi fbank window).
  int64_t min_num_frames = 2;
};

// [C, S]: 1 where the local speaker has at least one active frame. Only these pairs are clustered;
// the others get cluster -2, so their embeddings need not be computed.
std::vector<uint8_t> active_speakers(const ChunkFrames& segmentation);

// The num_frames weights for (chunk, speaker): the frames where the speaker is active and fewer than
// two speakers are, if there are more than min_num_frames of them; otherwise the full activity.
std::vector<float> embedding_mask(const ChunkFrames& segmentation, int64_t chunk, int64_t speaker,
                                  const EmbeddingMaskConfig& config = {});

}  // namespace diarize
