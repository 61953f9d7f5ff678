// Speaker embeddings for `--mode fast`: the ResNet34 trunk runs once over the whole file (in
// overlapping blocks) instead of once per 10 s chunk, and each (chunk, speaker) embedding pools the
// trunk frames that fall inside its chunk with the chunk's mask. Every second of audio goes through
// the trunk about once instead of ten times. This approximates exact mode (neural_embeddings.h):
//   - normalisation: exact mode subtracts each chunk's own fbank mean; here each fbank frame gets
//     the mean of the 998-frame (one chunk) window centred on it, which equals the chunk mean at
//     chunk centres;
//   - edges: exact mode's trunk sees zero padding at chunk borders, here it sees the real neighbours;
//   - alignment: odd chunks start half a trunk frame (4 fbank frames) off the trunk's 8-frame grid.
// The zero-padded last chunk (and, on request, chunks with short masks) are embedded as exact mode does.
// docs/benchmarks.md ("fast mode") has the measured fidelity to exact mode and the speed.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "nets/resnet34.h"
#include "pipeline/chunk_frames.h"

namespace diarize {

enum class FastNormalisation {
  kSlidingChunkMean,  // per frame: mean of the chunk-long window centred on it (clamped to the file)
  kBlockMean,         // per block: mean of the block's own fbank frames
};

enum class FastAlignment {
  kSplitWeights,  // an off-grid chunk frame gives half its mask weight to each trunk frame beside it
  kNearestFrame,  // an off-grid chunk frame gives all its weight to the trunk frame before it
  kSecondGrid,    // a second trunk pass on the grid shifted by 4 fbank frames serves the odd chunks (2x cost)
};

struct StreamedEmbeddingConfig {
  double block_s = 60.0;     // audio per trunk block (plus the receptive-field margins on both sides)
  int blocks_per_batch = 1;  // blocks of equal length stacked into one trunk batch (accelerators)
  FastNormalisation normalisation = FastNormalisation::kSlidingChunkMean;
  FastAlignment alignment = FastAlignment::kSplitWeights;
  // Chunks with a speaker whose mask holds less than this much speech are embedded as exact mode does
  // it (one trunk pass per chunk): a short mask pools few trunk frames, so the approximation shows
  // most there. 0 = none.
  double exact_below_s = 0.0;
  int exact_batch = 2;  // chunks per trunk batch for those (as exact mode's batch)
};

// The trunk's receptive field along time, in fbank frames (225: a trunk output frame depends on the
// fbank frames within 112 of its centre). Computed from the architecture, see the .cpp.
int64_t trunk_receptive_field_frames();

// Same contract as neural_embeddings(): embeddings [C, S, 256] row-major, NaN for inactive pairs.
// on_block(done, total) reports trunk blocks. Throws std::invalid_argument on a bad config.
std::vector<float> streamed_embeddings(WeSpeakerResNet34& model, const float* samples, int64_t num_samples,
                                       const ChunkFrames& segmentation, const StreamedEmbeddingConfig& config,
                                       const c10::Device& device,
                                       const std::function<void(int64_t, int64_t)>& on_block);

}  // namespace diarize
