// Speaker embeddings with a neural model (WeSpeaker ResNet34), 3.1 semantics: for every active
// (chunk, local speaker) pair, the exclude-overlap mask pools the chunk's trunk output. One trunk
// pass per chunk serves all its speakers (identical numbers to one pass per pair).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "nets/resnet34.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"

namespace diarize {

// Embeddings [C, 3, 256] (row-major), NaN for pairs with no active frame (never computed). The
// segmentation's chunks are those of `chunking`.
std::vector<float> neural_embeddings(WeSpeakerResNet34& model, const float* samples, int64_t num_samples,
                                     const ChunkFrames& segmentation, const ChunkingConfig& chunking, int batch_size,
                                     const c10::Device& device,
                                     const std::function<void(int64_t, int64_t)>& on_batch);

}  // namespace diarize
