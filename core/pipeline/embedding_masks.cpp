// Embedding masks with overlap exclusion and the min_num_frames fallback.
#include "pipeline/embedding_masks.h"

#include <cmath>

namespace diarize {

std::vector<uint8_t> active_speakers(const ChunkFrames& segmentation) {
  std::vector<uint8_t> active(static_cast<size_t>(segmentation.num_chunks * segmentation.num_columns), 0);
  for (int64_t c = 0; c < segmentation.num_chunks; ++c)
    for (int64_t s = 0; s < segmentation.num_columns; ++s) {
      double total = 0.0;
      for (int64_t f = 0; f < segmentation.num_frames; ++f) total += segmentation.at(c, f, s);
      active[static_cast<size_t>(c * segmentation.num_columns + s)] = total > 0.0 ? 1 : 0;
    }
  return active;
}

std::vector<float> embedding_mask(const ChunkFrames& segmentation, int64_t chunk, int64_t speaker,
                                  const EmbeddingMaskConfig& config) {
  const int64_t num_frames = segmentation.num_frames;
  std::vector<float> full(static_cast<size_t>(num_frames)), clean(static_cast<size_t>(num_frames));
  double clean_total = 0.0;
  for (int64_t f = 0; f < num_frames; ++f) {
    // pyannote applies nan_to_num to the masks; the clean test uses the raw sum (NaN < 2 is false).
    float busy = 0.0f;
    for (int64_t s = 0; s < segmentation.num_columns; ++s) busy += segmentation.at(chunk, f, s);
    const float value = segmentation.at(chunk, f, speaker);
    full[static_cast<size_t>(f)] = std::isnan(value) ? 0.0f : value;
    const float clean_value = busy < 2.0f ? value : 0.0f;
    clean[static_cast<size_t>(f)] = std::isnan(clean_value) ? 0.0f : clean_value;
    clean_total += clean[static_cast<size_t>(f)];
  }
  if (!config.exclude_overlap) return full;
  return clean_total > static_cast<double>(config.min_num_frames) ? clean : full;
}

}  // namespace diarize
