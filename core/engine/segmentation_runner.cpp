// Batched segmentation inference: chunks are cut straight into one pinned batch buffer.
#include "engine/segmentation_runner.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>

namespace diarize {

ChunkFrames run_segmentation(PyanNet& model, const float* samples, int64_t num_samples, const ChunkingConfig& chunking,
                             int batch_size, const c10::Device& device,
                             const std::function<void(int64_t, int64_t)>& on_batch) {
  const int64_t num_chunks = chunk_layout(num_samples, chunking).num_chunks();
  ChunkFrames log_probs;
  log_probs.num_chunks = num_chunks;
  log_probs.num_frames = 0;
  log_probs.num_columns = 0;
  torch::NoGradGuard no_grad;
  for (int64_t first = 0; first < num_chunks; first += batch_size) {
    const int64_t count = std::min<int64_t>(batch_size, num_chunks - first);
    torch::Tensor batch = torch::empty({count, 1, chunking.window_samples}, torch::kFloat32);
    float* data = batch.data_ptr<float>();
    for (int64_t i = 0; i < count; ++i)
      fill_chunk(samples, num_samples, first + i, data + i * chunking.window_samples, chunking);
    torch::Tensor out = model->forward(batch.to(device)).to(torch::kCPU).contiguous();
    if (log_probs.num_frames == 0) {
      log_probs.num_frames = out.size(1);
      log_probs.num_columns = out.size(2);
      log_probs.values.resize(static_cast<size_t>(num_chunks * out.size(1) * out.size(2)));
    }
    std::memcpy(log_probs.values.data() + log_probs.index(first, 0, 0), out.data_ptr<float>(),
                sizeof(float) * static_cast<size_t>(out.numel()));
    if (on_batch) on_batch(first + count, num_chunks);
  }
  return log_probs;
}

}  // namespace diarize
