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

ChunkFrames clustered_segmentations(const ChunkFrames& segmentation, const std::vector<int>& hard_clusters) {
  const int64_t num_chunks = segmentation.num_chunks, num_speakers = segmentation.num_columns;
  if (static_cast<int64_t>(hard_clusters.size()) != num_chunks * num_speakers)
    throw std::invalid_argument("clustered_segmentations: hard_clusters must be [chunks, speakers]");
  int max_cluster = -1;
  for (const int k : hard_clusters) max_cluster = std::max(max_cluster, k);
  const int64_t num_clusters = max_cluster + 1;
  ChunkFrames out(num_chunks, segmentation.num_frames, num_clusters, std::numeric_limits<float>::quiet_NaN());
  for (int64_t c = 0; c < num_chunks; ++c) {
    for (int64_t s = 0; s < num_speakers; ++s) {
      const int k = hard_clusters[static_cast<size_t>(c * num_speakers + s)];
      if (k < 0) continue;  // -2: inactive local speaker
      for (int64_t f = 0; f < segmentation.num_frames; ++f) {
        float& cell = out.at(c, f, k);
        const float value = segmentation.at(c, f, s);
        // np.max over the speakers of cluster k (NaN would propagate; hard segmentations have none).
        cell = std::isnan(cell) ? value : std::max(cell, value);
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

DiscreteDiarization to_discrete_diarization(const ChunkFrames& clustered, const std::vector<int>& count,
                                            const FrameGrid& chunks, const FrameGrid& frames) {
  DiscreteDiarization out;
  const FrameSeries sums = aggregate(clustered, chunks, frames, AggregationOptions{true, 0.0f});
  if (sums.num_frames != static_cast<int64_t>(count.size()))
    throw std::invalid_argument("to_discrete_diarization: count and activations have different frame counts");
  const int max_count = count.empty() ? 0 : *std::max_element(count.begin(), count.end());
  const int64_t columns = std::max<int64_t>(sums.num_columns, max_count);

  out.activations.frames = sums.frames;
  out.activations.num_frames = sums.num_frames;
  out.activations.num_columns = columns;
  out.activations.values.assign(static_cast<size_t>(sums.num_frames * columns), 0.0f);
  for (int64_t f = 0; f < sums.num_frames; ++f)
    for (int64_t k = 0; k < sums.num_columns; ++k) out.activations.at(f, k) = sums.at(f, k);

  out.binary = out.activations;
  std::fill(out.binary.values.begin(), out.binary.values.end(), 0.0f);
  std::vector<float> negated(static_cast<size_t>(columns));
  for (int64_t f = 0; f < sums.num_frames; ++f) {
    const int on = count[static_cast<size_t>(f)];
    if (on <= 0) continue;
    for (int64_t k = 0; k < columns; ++k) negated[static_cast<size_t>(k)] = -out.activations.at(f, k);
    // numpy's (unstable above 16 columns) quicksort decides which of equal activations win.
    const std::vector<int64_t> order = numpy_argsort(negated.data(), columns);
    for (int i = 0; i < on && i < columns; ++i) out.binary.at(f, order[static_cast<size_t>(i)]) = 1.0f;
  }
  return out;
}

}  // namespace diarize
