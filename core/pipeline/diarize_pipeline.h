// The torch-free half of pyannote 3.1's SpeakerDiarization.apply: from the hard segmentation and
// the per-(chunk, local speaker) embeddings to the final diarization. The engine only has to run
// the two networks (segmentation -> powerset_to_multilabel, then one embedding per active pair with
// embedding_mask()) and call this.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine_api.h"
#include "output/diarization.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/chunking.h"
#include "pipeline/clustering.h"
#include "pipeline/frame_grid.h"
#include "pipeline/silent_clusters.h"
#include "pipeline/speaker_count.h"

namespace diarize {

struct PipelineConfig {
  ChunkingConfig chunking;                       // 10 s chunks every 1 s
  FrameGrid frames = segmentation_frame_grid();  // 10/589 s
  ClusteringConfig clustering;
  // Every cluster of hard_clusters comes out with at least one turn (silent_clusters.h): the
  // built-in embedding's promise for a speaker count asked from above. Off by default: pyannote's
  // behaviour.
  SilentClusterRule silent_clusters;
};

// Checks num/min/max speakers the way set_num_speakers does; throws UsageError.
void validate_speaker_options(const JobOptions& options);

// segmentation: hard [C, 589, 3] activity (powerset_to_multilabel output). embeddings: [C, 3, dim],
// NaN rows for pairs that were not computed (pairs without activity may be skipped: they never
// reach the clustering). Returns the regular diarization in `turns` and the exclusive one (count
// capped at 1, labels of the regular one) in `exclusive_turns`; centroids (mean raw embedding of
// each label's cluster, zeros for a label made by count padding) when options.return_centroids.
Diarization diarize_from_segmentation(const ChunkFrames& segmentation, const std::vector<float>& embeddings,
                                      int64_t dim, const JobOptions& options, const PipelineConfig& config = {});

// The second half of the above, shared with the built-in embedding (pipeline/builtin_diarization.h):
// from the hard cluster of every (chunk, local speaker) [C, S] (-2 inactive) and the centroids
// [K, dim] to the diarization (count capping, reconstruction, binarize, exclusive, centroids).
Diarization diarize_from_clusters(const ChunkFrames& segmentation, const SpeakerCount& count,
                                  const std::vector<int>& hard_clusters, const std::vector<float>& centroids,
                                  int64_t dim, const JobOptions& options, const PipelineConfig& config = {});

}  // namespace diarize
