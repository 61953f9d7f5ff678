// Reconstruction of the global discrete diarization (pyannote.audio 3.1.1 SpeakerDiarization.reconstruct
// and SpeakerDiarizationMixin.to_diarization).
#include "pipeline/reconstruction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "pipeline/aggregation.h"
#include "pipeline/numpy_argsort.h"

namespace diarize {

FrameSeries clustered_activations(const ChunkFrames& segmentation, const std::vector<int>& hard_clusters,
                                  const FrameGrid& chunks, const FrameGrid& frames) {
  const int64_t num_chunks = segmentation.num_chunks, num_speakers = segmentation.num_columns;
  if (static_cast<int64_t>(hard_clusters.size()) != num_chunks * num_speakers)
    throw std::invalid_argument("clustered_activations: hard_clusters must be [chunks, speakers]");
  int max_cluster = -1;
  for (const int k : hard_clusters) max_cluster = std::max(max_cluster, k);
  FrameSeries out;
  out.frames = aggregated_frame_grid(chunks, frames);
  out.num_columns = max_cluster + 1;
  if (num_chunks == 0) return out;
  out.num_frames = aggregated_num_frames(num_chunks, chunks, frames);
  out.values.assign(static_cast<size_t>(out.num_frames * out.num_columns), 0.0f);  // unreached: 0

  const std::vector<int64_t> starts = chunk_start_frames(num_chunks, chunks, frames);
  std::vector<float> chunk_max(static_cast<size_t>(segmentation.num_frames));
  for (int64_t c = 0; c < num_chunks; ++c) {
    const int* chunk_clusters = &hard_clusters[static_cast<size_t>(c * num_speakers)];
    for (int64_t s = 0; s < num_speakers; ++s) {
      const int k = chunk_clusters[s];
      if (k < 0) continue;  // -2: inactive local speaker
      bool first_of_cluster = true;
      for (int64_t r = 0; r < s; ++r) first_of_cluster = first_of_cluster && chunk_clusters[r] != k;
      if (!first_of_cluster) continue;
      // np.max over the local speakers of cluster k (hard segmentations hold no NaN).
      for (int64_t f = 0; f < segmentation.num_frames; ++f) {
        float value = segmentation.at(c, f, s);
        for (int64_t r = s + 1; r < num_speakers; ++r)
          if (chunk_clusters[r] == k) value = std::max(value, segmentation.at(c, f, r));
        chunk_max[static_cast<size_t>(f)] = value;
      }
      const int64_t first = starts[static_cast<size_t>(c)];
      for (int64_t f = 0; f < segmentation.num_frames; ++f) {
        const int64_t g = first + f;
        if (g < 0 || g >= out.num_frames) continue;  // cannot happen on a consistent grid
        // numpy adds the float64 value into the float32 buffer: round once per addition, chunk by
        // chunk, exactly as aggregate() does over the dense array.
        float& cell = out.at(g, k);
        cell = static_cast<float>(static_cast<double>(cell) + static_cast<double>(chunk_max[static_cast<size_t>(f)]));
      }
    }
  }
  return out;
}

std::vector<int> cap_count(const std::vector<uint8_t>& count, int max_speakers) {
  std::vector<int> capped(count.size());
  for (size_t i = 0; i < count.size(); ++i)
    capped[i] = max_speakers > 0 ? std::min<int>(count[i], max_speakers) : count[i];
  return capped;
}

FrameSeries padded_activations(FrameSeries sums, const std::vector<int>& count) {
  const int max_count = count.empty() ? 0 : *std::max_element(count.begin(), count.end());
  if (sums.num_columns >= max_count) return sums;
  FrameSeries out;
  out.frames = sums.frames;
  out.num_frames = sums.num_frames;
  out.num_columns = max_count;
  out.values.assign(static_cast<size_t>(out.num_frames * out.num_columns), 0.0f);
  for (int64_t f = 0; f < sums.num_frames; ++f)
    for (int64_t k = 0; k < sums.num_columns; ++k) out.at(f, k) = sums.at(f, k);
  return out;
}

FrameSeries discrete_diarization(const FrameSeries& activations, const std::vector<int>& count) {
  if (activations.num_frames != static_cast<int64_t>(count.size()))
    throw std::invalid_argument("discrete_diarization: count and activations have different frame counts");
  const int64_t columns = activations.num_columns;
  FrameSeries binary;
  binary.frames = activations.frames;
  binary.num_frames = activations.num_frames;
  binary.num_columns = columns;
  binary.values.assign(activations.values.size(), 0.0f);
  std::vector<float> negated(static_cast<size_t>(columns));
  for (int64_t f = 0; f < activations.num_frames; ++f) {
    const int on = count[static_cast<size_t>(f)];
    if (on <= 0) continue;
    if (on > columns) throw std::invalid_argument("discrete_diarization: count exceeds the activation columns");
    for (int64_t k = 0; k < columns; ++k) negated[static_cast<size_t>(k)] = -activations.at(f, k);
    // numpy's (unstable above 16 columns) quicksort decides which of equal activations win.
    const std::vector<int64_t> order = numpy_argsort(negated.data(), columns);
    for (int i = 0; i < on; ++i) binary.at(f, order[static_cast<size_t>(i)]) = 1.0f;
  }
  return binary;
}

}  // namespace diarize
