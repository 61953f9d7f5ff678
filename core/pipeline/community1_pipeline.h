// The torch-free half of pyannote.audio 4.0.7's SpeakerDiarization.apply with the community-1
// parameters (VBx + PLDA): counting on the receptive-field frame grid, VBx clustering, inactive
// speakers set to -2, then the reconstruction and binarisation the 3.1 pipeline shares
// (diarize_from_clusters), regular and exclusive.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine_api.h"
#include "output/diarization.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"
#include "pipeline/frame_grid.h"
#include "pipeline/plda_transform.h"
#include "pipeline/vbx_clustering.h"

namespace diarize {

struct Community1Config {
  ChunkingConfig chunking;                           // 10 s chunks every 1 s
  FrameGrid frames = receptive_field_frame_grid();   // 270/16000 s, not 3.1's 10/589 s
  VbxClusteringConfig clustering;                    // threshold 0.6, Fa 0.07, Fb 0.8
};

// The hard clusters apply() reconstructs from: the clustering's, with every local speaker that is
// never active set to -2 (whatever the clustering said).
std::vector<int> community1_final_clusters(const ChunkFrames& segmentation, const VbxClusteringResult& clusters);

// segmentation: hard [C, 589, 3] activity. embeddings: [C, 3, dim]; 4.0.7 embeds every pair, and an
// inactive pair's embedding (the network's output for an all-zero mask) only moves the constrained
// assignment's floor score, so pass it where the engine has it (NaN rows are accepted too).
Diarization diarize_community1(const ChunkFrames& segmentation, const std::vector<float>& embeddings, int64_t dim,
                               const JobOptions& options, const PldaTransform& plda, const Community1Config& config = {});

}  // namespace diarize
