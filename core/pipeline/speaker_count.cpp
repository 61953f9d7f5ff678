// Speaker counting (pyannote.audio 3.1.1 pipelines/utils/diarization.py::speaker_count, warm-up 0).
#include "pipeline/speaker_count.h"

#include <algorithm>
#include <cmath>

#include "pipeline/aggregation.h"

namespace diarize {

int SpeakerCount::max_count() const {
  return count.empty() ? 0 : static_cast<int>(*std::max_element(count.begin(), count.end()));
}

SpeakerCount speaker_count(const ChunkFrames& segmentation, const FrameGrid& chunks, const FrameGrid& frames) {
  ChunkFrames local(segmentation.num_chunks, segmentation.num_frames, 1);
  for (int64_t c = 0; c < segmentation.num_chunks; ++c)
    for (int64_t f = 0; f < segmentation.num_frames; ++f) {
      float total = 0.0f;
      for (int64_t s = 0; s < segmentation.num_columns; ++s) total += segmentation.at(c, f, s);
      local.at(c, f, 0) = total;
    }
  const FrameSeries mean = aggregate(local, chunks, frames, AggregationOptions{false, 0.0f});
  SpeakerCount result;
  result.frames = mean.frames;
  result.mean = mean.values;
  result.count.resize(mean.values.size());
  for (size_t i = 0; i < mean.values.size(); ++i) {
    // np.rint then astype(uint8); the values are small non-negative counts.
    const float rounded = std::nearbyint(mean.values[i]);
    result.count[i] = static_cast<uint8_t>(std::clamp(rounded, 0.0f, 255.0f));
  }
  return result;
}

}  // namespace diarize
