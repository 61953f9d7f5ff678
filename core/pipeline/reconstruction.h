// pyannote 3.1.1 reconstruct / to_diarization: from per-chunk local activity and the cluster of each
// (chunk, local speaker) to a global 0/1 activity per frame and cluster, with the per-frame speaker
// count deciding how many clusters are on.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

// hard_clusters [C, S]: cluster index, or -2 for inactive local speakers. Result [C, F, K] with
// K = max(hard_clusters) + 1: per chunk and cluster the max over the local speakers mapped to it,
// NaN where the cluster is absent from the chunk.
ChunkFrames clustered_segmentations(const ChunkFrames& segmentation, const std::vector<int>& hard_clusters);

// np.minimum(count, max_speakers) (max_speakers <= 0 means unbounded), as apply() caps it.
std::vector<int> cap_count(const std::vector<uint8_t>& count, int max_speakers);

// to_diarization: activations = overlap-add sum of the clustered segmentations, zero-padded to at
// least max(count) columns; at each frame the count[t] clusters that come first in numpy's
// argsort(-activations) get 1. `count` must be on the same frame grid (same number of frames).
struct DiscreteDiarization {
  FrameSeries activations;  // [F, K'] (float32 sums)
  FrameSeries binary;       // [F, K'] 0/1
};
DiscreteDiarization to_discrete_diarization(const ChunkFrames& clustered, const std::vector<int>& count,
                                            const FrameGrid& chunks, const FrameGrid& frames);

}  // namespace diarize
