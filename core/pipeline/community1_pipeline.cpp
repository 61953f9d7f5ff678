// SpeakerDiarization.apply (pyannote.audio 4.0.7) after the networks, community-1 configuration.
#include "pipeline/community1_pipeline.h"

#include "pipeline/diarize_pipeline.h"
#include "pipeline/speaker_count.h"

namespace diarize {

std::vector<int> community1_final_clusters(const ChunkFrames& segmentation, const VbxClusteringResult& clusters) {
  std::vector<int> hard = clusters.hard_clusters;
  for (int64_t c = 0; c < segmentation.num_chunks; ++c)
    for (int64_t s = 0; s < segmentation.num_columns; ++s) {
      bool silent = true;
      for (int64_t f = 0; f < segmentation.num_frames && silent; ++f) silent = segmentation.at(c, f, s) == 0.0f;
      if (silent) hard[static_cast<size_t>(c * segmentation.num_columns + s)] = -2;
    }
  return hard;
}

Diarization diarize_community1(const ChunkFrames& segmentation, const std::vector<float>& embeddings, int64_t dim,
                               const JobOptions& options, const PldaTransform& plda, const Community1Config& config) {
  validate_speaker_options(options);
  const FrameGrid chunks = chunk_grid(config.chunking);
  const SpeakerCount count = speaker_count(segmentation, chunks, config.frames);
  // Upstream exits early, with empty annotations, when nobody ever speaks.
  if (count.max_count() == 0) return Diarization{};

  const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};
  const VbxClusteringResult clusters =
      vbx_cluster_embeddings(segmentation, embeddings, dim, bounds, plda, config.clustering);
  const std::vector<float> centroids(clusters.centroids.begin(), clusters.centroids.end());
  PipelineConfig reconstruction;
  reconstruction.chunking = config.chunking;
  reconstruction.frames = config.frames;
  return diarize_from_clusters(segmentation, count, community1_final_clusters(segmentation, clusters), centroids, dim,
                               options, reconstruction);
}

}  // namespace diarize
