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
#include "pipeline/speaker_count.h"

namespace diarize {

struct PipelineConfig {
  ChunkingConfig chunking;                       // 10 s chunks every 1 s
  FrameGrid frames = segmentation_frame_grid();  // 10/589 s
  ClusteringConfig clustering;
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

// The second half of the above, shared with community-1 (pipeline/community1_pipeline.h); the built-in
// embedding (pipeline/builtin_diarization.h) calls its pieces below with its own passes between them:
// from the hard cluster of every (chunk, local speaker) [C, S] (-2 inactive) and the centroids
// [K, dim] to the diarization (count capping, reconstruction, binarize, exclusive, centroids).
// It is reconstruct_discrete, exclusive_discrete and diarization_from_discrete in a row.
Diarization diarize_from_clusters(const ChunkFrames& segmentation, const SpeakerCount& count,
                                  const std::vector<int>& hard_clusters, const std::vector<float>& centroids,
                                  int64_t dim, const JobOptions& options, const PipelineConfig& config = {});

// The reconstruction on the segmentation frame grid, before it becomes turns.
struct DiscreteDiarization {
  FrameSeries activations;  // [frames, columns] summed activity of each cluster, zero-padded to the count
  std::vector<int> count;   // [frames] speakers on, capped at num/max speakers
  int64_t num_clusters = 0; // the first columns; the others are count padding
  FrameSeries regular;      // [frames, columns] 0/1: the count[f] most active columns of each frame
};
DiscreteDiarization reconstruct_discrete(const ChunkFrames& segmentation, const SpeakerCount& count,
                                         const std::vector<int>& hard_clusters, const JobOptions& options,
                                         const PipelineConfig& config = {});

// 4.x's exclusive diarization: the same activations with the count capped at 1.
FrameSeries exclusive_discrete(const DiscreteDiarization& discrete);

// Turns of the regular and the exclusive discrete diarizations (same columns), labelled by the
// regular one; with options.return_centroids, each label's row of `centroids` [K, dim] (zeros for
// columns >= K, made by count padding).
Diarization diarization_from_discrete(const FrameSeries& regular, const FrameSeries& exclusive,
                                      const std::vector<float>& centroids, int64_t dim, const JobOptions& options);

}  // namespace diarize
