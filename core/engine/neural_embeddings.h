// Speaker embeddings with a neural model (WeSpeaker ResNet34), 3.1 semantics (which 4.0.7 keeps for
// active pairs): for every active (chunk, local speaker) pair, the exclude-overlap mask pools the
// chunk's trunk output. One trunk pass per chunk serves all its speakers (identical numbers to one
// pass per pair).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "nets/resnet34.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"

namespace diarize {

// Embeddings [C, 3, 256] (row-major). Pairs with no active frame are never computed: NaN (3.1 never
// uses them), or with `embed_inactive` what pyannote 4.0.7 computes for them, the network's output
// for an all-zero mask (the same vector for every such pair: its pooled statistics are zero).
// The segmentation's chunks are those of `chunking`.
std::vector<float> neural_embeddings(WeSpeakerResNet34& model, const float* samples, int64_t num_samples,
                                     const ChunkFrames& segmentation, const ChunkingConfig& chunking, int batch_size,
                                     const c10::Device& device,
                                     const std::function<void(int64_t, int64_t)>& on_batch,
                                     bool embed_inactive = false);

}  // namespace diarize
