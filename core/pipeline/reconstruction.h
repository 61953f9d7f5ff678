// pyannote 3.1.1 reconstruct / to_diarization: from per-chunk local activity and the cluster of each
// (chunk, local speaker) to a global 0/1 activity per frame and cluster, with the per-frame speaker
// count deciding how many clusters are on.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

// reconstruct() then aggregate(skip_average=True): the overlap-add sum, per global frame and
// cluster, of each chunk's max over the local speakers mapped to that cluster (hard_clusters [C, S]:
// cluster index, or -2 for inactive local speakers; K = max(hard_clusters) + 1 columns). pyannote
// builds the dense [C, F, K] clustered segmentations first, NaN where a cluster is absent from a
// chunk; that array grows with duration times the number of speakers (1.4 GB for four hours and 40
// speakers), so the sum is taken chunk by chunk instead: the same float32 additions in the same
// order, hence the same bits, with only [frames, K] in memory.
FrameSeries clustered_activations(const ChunkFrames& segmentation, const std::vector<int>& hard_clusters,
                                  const FrameGrid& chunks, const FrameGrid& frames);

// np.minimum(count, max_speakers) (max_speakers <= 0 means unbounded), as apply() caps it.
std::vector<int> cap_count(const std::vector<uint8_t>& count, int max_speakers);

// to_diarization, in two steps. First the activations zero-padded to at least max(count) columns
// (returned as they are when wide enough); then at each frame the count[t] clusters that come first
// in numpy's argsort(-activations) get 1. `count` must be on the activations' frame grid.
FrameSeries padded_activations(FrameSeries sums, const std::vector<int>& count);
FrameSeries discrete_diarization(const FrameSeries& activations, const std::vector<int>& count);

}  // namespace diarize
