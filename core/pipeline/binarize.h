// pyannote's Binarize(onset=0.5, offset=0.5, min_duration_on=0, min_duration_off=0) on a discrete
// diarization, plus the label renaming and turn order of SpeakerDiarization.apply, so that the turns
// come out exactly as pyannote.core writes them to RTTM.
#pragma once

#include <cstdint>
#include <vector>

#include "output/diarization.h"
#include "pipeline/chunk_frames.h"

namespace diarize {

struct BinarizedDiarization {
  Diarization diarization;               // labels SPEAKER_00.., turns in pyannote's RTTM order
  std::vector<int64_t> label_clusters;   // cluster column of each label
};

// Regions start and end at frame middles; a region still open after the last frame closes at the
// last frame's middle; regions of length <= 1e-6 s are dropped (pyannote.core ignores empty
// segments). Labels: the clusters that have a region, ordered by str(cluster index) as
// Annotation.labels() sorts them (so cluster 10 comes before cluster 2), then named SPEAKER_00...
BinarizedDiarization binarize(const FrameSeries& binary);

// The same regions, labelled with an existing label set (the exclusive diarization reuses the
// regular one's names); clusters missing from `label_clusters` are an error.
Diarization binarize_with_labels(const FrameSeries& binary, const std::vector<std::string>& labels,
                                 const std::vector<int64_t>& label_clusters);

}  // namespace diarize
