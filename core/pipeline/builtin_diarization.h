// The diarization pipeline with the built-in embedding (no embedding model): the hard
// segmentation and the audio go through the built-in clustering of local speakers
// (builtin_embedding.h) and the reconstruction shared with the 3.1 path (diarize_pipeline.h);
// then the single-speaker runs are regrouped where the voices say so (builtin_run_clustering.h),
// the frames resegmented (builtin_resegmentation.h), and an asked-for count kept
// (silent_clusters.h).
#pragma once

#include <cstddef>

#include "engine/engine_api.h"
#include "output/diarization.h"
#include "pipeline/builtin_embedding.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/chunk_frames.h"
#include "pipeline/diarize_pipeline.h"

namespace diarize {

// segmentation: hard [C, 589, 3] activity on the config.chunking grid; samples: the 16 kHz mono
// input the segmentation was computed from; plda: the built-in embedding's parameters
// (read_builtin_plda). Returns the regular and the exclusive diarization; centroids (when
// options.return_centroids) are the mean normalised MFCCs of each speaker's single-speaker frames.
Diarization diarize_with_builtin_embedding(const ChunkFrames& segmentation, const float* samples,
                                           size_t num_samples, const JobOptions& options, const BuiltinPlda& plda,
                                           const PipelineConfig& config = {},
                                           const BuiltinEmbeddingConfig& builtin = {});

// The ChunkSegmentation view of a ChunkFrames segmentation on the given chunk grid.
ChunkSegmentation segmentation_view(const ChunkFrames& segmentation, const ChunkingConfig& chunking);

}  // namespace diarize
