// Glue between the built-in clustering and the shared reconstruction.
#include "pipeline/builtin_diarization.h"

#include <algorithm>
#include <stdexcept>

#include "pipeline/builtin_resegmentation.h"
#include "pipeline/builtin_run_clustering.h"
#include "pipeline/silent_clusters.h"
#include "pipeline/speaker_count.h"
#include "pipeline/turn_taking.h"

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
                                           size_t num_samples, const JobOptions& options, const BuiltinPlda& plda,
                                           const PipelineConfig& config, const BuiltinEmbeddingConfig& builtin) {
  validate_speaker_options(options);
  const ChunkSegmentation view = segmentation_view(segmentation, config.chunking);  // checks the shape
  const SpeakerCount count = speaker_count(segmentation, chunk_grid(config.chunking), config.frames);
  if (count.max_count() == 0) return Diarization{};

  const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};
  const FeatureMatrix features = compute_mfcc(samples, num_samples, builtin.mfcc);
  const BuiltinClusters clusters = cluster_builtin_features(features, view, bounds, plda, builtin);
  DiscreteDiarization reconstructed = reconstruct_discrete(segmentation, count, clusters.hard_clusters, options, config);
  RefinedDiscrete discrete{std::move(reconstructed.regular), std::move(reconstructed.activations),
                           std::move(reconstructed.count), reconstructed.num_clusters};

  const std::vector<int> feature_bounds =
      feature_frames_of_grid(features, discrete.regular.frames, discrete.regular.num_frames);
  regroup_runs(features, feature_bounds, plda, bounds, builtin.runs, discrete);
  resegment(features, feature_bounds, plda, builtin.resegmentation, discrete);
  if (options.num_speakers > 1 || options.min_speakers > 1) {
    // An asked-for count is a promise about labels: no speaker may vanish on the way.
    const SilentClusterRule rule{builtin.min_speaker_frames * builtin.mfcc.frame_shift_samples /
                                     static_cast<double>(builtin.mfcc.sample_rate_hz),
                                 static_cast<double>(num_samples) / config.chunking.sample_rate_hz};
    give_silent_clusters_frames(discrete.activations, discrete.count, discrete.num_clusters, rule, discrete.regular);
  }

  const FrameSeries exclusive = exclusive_by_turn_taking(discrete.regular, discrete.activations);

  // Centroids: mean MFCCs of each speaker's single-speaker frames.
  const int64_t dim = features.dim;
  std::vector<float> centroids(static_cast<size_t>(discrete.num_clusters * dim), 0.0f);
  if (options.return_centroids) {
    std::vector<GaussianStats> frames(static_cast<size_t>(discrete.num_clusters), GaussianStats(features.dim));
    for (int64_t f = 0; f < discrete.regular.num_frames; ++f) {
      if (discrete.count[f] != 1) continue;
      for (int64_t k = 0; k < discrete.num_clusters; ++k)
        if (discrete.regular.at(f, k) > 0.5f)
          for (int t = feature_bounds[f]; t < feature_bounds[f + 1]; ++t) frames[k].add(features.row(t));
    }
    for (int64_t k = 0; k < discrete.num_clusters; ++k) {
      const std::vector<double> mean = frames[k].mean();
      std::copy(mean.begin(), mean.end(), centroids.begin() + k * dim);
    }
  }
  return diarization_from_discrete(discrete.regular, exclusive, centroids, dim, options);
}

}  // namespace diarize
