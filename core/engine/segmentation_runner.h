// Runs the segmentation network over every 10 s chunk of a file, in batches.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>

#include "nets/pyannet.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"

namespace diarize {

// Log-probabilities [C, 589, 7] for the chunks of chunk_layout(num_samples, chunking).
// `on_batch(done, total)` is called after each batch.
ChunkFrames run_segmentation(PyanNet& model, const float* samples, int64_t num_samples, const ChunkingConfig& chunking,
                             int batch_size, const c10::Device& device,
                             const std::function<void(int64_t, int64_t)>& on_batch);

}  // namespace diarize
