// Glue between the built-in clustering and the shared reconstruction.
#include "pipeline/builtin_diarization.h"

#include <stdexcept>

#include "pipeline/speaker_count.h"

namespace diarize {

ChunkSegmentation segmentation_view(const ChunkFrames& segmentation, const ChunkingConfig& chunking) {
  if (static_cast<int64_t>(segmentation.values.size()) !=
      segmentation.num_chunks * segmentation.num_frames * segmentation.num_columns)
    throw std::invalid_argument("segmentation values do not match its shape");
  ChunkSegmentation view;
  view.values = segmentation.values.data();
  view.num_chunks = static_cast<int>(segmentation.num_chunks);
  view.num_frames = static_cast<int>(segmentation.num_frames);
  view.num_local = static_cast<int>(segmentation.num_columns);
  view.chunk_step_s = static_cast<double>(chunking.step_samples) / chunking.sample_rate_hz;
  view.chunk_duration_s = static_cast<double>(chunking.window_samples) / chunking.sample_rate_hz;
  view.validate();
  return view;
}

Diarization diarize_with_builtin_embedding(const ChunkFrames& segmentation, const float* samples,
                                           size_t num_samples, const JobOptions& options,
                                           const PipelineConfig& config, const BuiltinEmbeddingConfig& builtin) {
  validate_speaker_options(options);
  const ChunkSegmentation view = segmentation_view(segmentation, config.chunking);  // checks the shape
  const SpeakerCount count = speaker_count(segmentation, chunk_grid(config.chunking), config.frames);
  if (count.max_count() == 0) return Diarization{};

  const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};
  const BuiltinClusters clusters = cluster_with_builtin_embedding(
      samples, num_samples, view, bounds, builtin);
  const int64_t dim = builtin.mfcc.num_cepstra;
  std::vector<float> centroids;
  for (const auto& c : clusters.centroids) centroids.insert(centroids.end(), c.begin(), c.end());
  // An asked-for count is a promise about labels: no cluster may vanish in the reconstruction.
  PipelineConfig reconstruction = config;
  if (options.num_speakers > 1 || options.min_speakers > 1)
    reconstruction.silent_clusters = {builtin.min_speaker_frames * builtin.mfcc.frame_shift_samples /
                                          static_cast<double>(builtin.mfcc.sample_rate_hz),
                                      static_cast<double>(num_samples) / config.chunking.sample_rate_hz};
  return diarize_from_clusters(segmentation, count, clusters.hard_clusters, centroids, dim, options, reconstruction);
}

}  // namespace diarize
