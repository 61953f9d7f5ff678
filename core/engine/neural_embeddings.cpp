// Batched fbank + ResNet trunk per active chunk, pooled once per active local speaker.
#include "engine/neural_embeddings.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nets/fbank.h"
#include "pipeline/chunking.h"
#include "pipeline/embedding_masks.h"

namespace diarize {

std::vector<float> neural_embeddings(WeSpeakerResNet34& model, const float* samples, int64_t num_samples,
                                     const ChunkFrames& segmentation, const ChunkingConfig& chunking, int batch_size,
                                     const c10::Device& device,
                                     const std::function<void(int64_t, int64_t)>& on_batch,
                                     bool embed_inactive) {
  const int64_t num_chunks = segmentation.num_chunks;
  const int64_t num_speakers = segmentation.num_columns;
  const int64_t num_frames = segmentation.num_frames;
  constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;
  std::vector<float> embeddings(static_cast<size_t>(num_chunks * num_speakers * kDim),
                                std::numeric_limits<float>::quiet_NaN());

  const std::vector<uint8_t> active = active_speakers(segmentation);
  std::vector<int64_t> chunks;  // chunks with at least one active speaker
  for (int64_t c = 0; c < num_chunks; ++c) {
    bool any = false;
    for (int64_t s = 0; s < num_speakers; ++s) any = any || active[static_cast<size_t>(c * num_speakers + s)];
    if (any) chunks.push_back(c);
  }

  torch::NoGradGuard no_grad;
  std::vector<float> inactive_embedding;  // with embed_inactive, from the first batch
  const int64_t total = static_cast<int64_t>(chunks.size());
  for (int64_t first = 0; first < total; first += batch_size) {
    const int64_t count = std::min<int64_t>(batch_size, total - first);
    torch::Tensor waveforms = torch::empty({count, chunking.window_samples}, torch::kFloat32);
    torch::Tensor masks = torch::zeros({count, num_speakers, num_frames}, torch::kFloat32);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = chunks[static_cast<size_t>(first + i)];
      fill_chunk(samples, num_samples, c, waveforms.data_ptr<float>() + i * chunking.window_samples, chunking);
      for (int64_t s = 0; s < num_speakers; ++s) {
        if (!active[static_cast<size_t>(c * num_speakers + s)]) continue;
        const std::vector<float> mask = embedding_mask(segmentation, c, s);
        std::memcpy(masks.data_ptr<float>() + (i * num_speakers + s) * num_frames, mask.data(),
                    sizeof(float) * mask.size());
      }
    }
    const torch::Tensor fbank = cmn(compute_fbank(waveforms.to(device)));
    const torch::Tensor features = model->trunk(fbank);
    const torch::Tensor pooled = model->pool_and_embed(features, masks.to(device)).to(torch::kCPU).contiguous();
    if (embed_inactive && inactive_embedding.empty()) {
      // Zero weights pool to zero statistics whatever the features, so any chunk's trunk output
      // gives the all-zero-mask embedding.
      const torch::Tensor zero = model->pool_and_embed(features.narrow(0, 0, 1), torch::zeros({1, 1, num_frames}).to(device));
      const torch::Tensor cpu = zero.to(torch::kCPU).contiguous();
      inactive_embedding.assign(cpu.data_ptr<float>(), cpu.data_ptr<float>() + kDim);
    }
    const float* out = pooled.data_ptr<float>();  // [count, S, 256]
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = chunks[static_cast<size_t>(first + i)];
      for (int64_t s = 0; s < num_speakers; ++s) {
        if (!active[static_cast<size_t>(c * num_speakers + s)]) continue;
        std::memcpy(embeddings.data() + (c * num_speakers + s) * kDim, out + (i * num_speakers + s) * kDim,
                    sizeof(float) * kDim);
      }
    }
    if (on_batch) on_batch(first + count, total);
  }
  if (embed_inactive && !inactive_embedding.empty())
    for (int64_t p = 0; p < num_chunks * num_speakers; ++p)
      if (!active[static_cast<size_t>(p)]) std::copy(inactive_embedding.begin(), inactive_embedding.end(), embeddings.begin() + p * kDim);
  return embeddings;
}

}  // namespace diarize
