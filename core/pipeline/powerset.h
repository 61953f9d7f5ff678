// Powerset decoding of the segmentation model's output: 7 classes ({}, {0}, {1}, {2}, {0,1},
// {0,2}, {1,2}) per frame become a hard 0/1 activity for 3 local speakers.
#pragma once

#include "pipeline/chunk_frames.h"

namespace diarize {

constexpr int kPowersetClasses = 7;
constexpr int kLocalSpeakers = 3;

// The local speakers active in powerset class `k` (pyannote's Powerset(3, 2) mapping order).
bool powerset_class_has_speaker(int k, int speaker);

// Hard decoding as pyannote's Powerset.to_multilabel: one-hot of the argmax (the first index wins a
// tie, as torch.argmax), times the mapping. Input [C, F, 7] log-probabilities, output [C, F, 3].
ChunkFrames powerset_to_multilabel(const ChunkFrames& log_probabilities);

}  // namespace diarize
