// SpeakerDiarization.apply (pyannote.audio 3.1.1) after the networks: count, cluster, reconstruct,
// binarize; plus 4.x's exclusive variant.
#include "pipeline/diarize_pipeline.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "errors.h"
#include "pipeline/binarize.h"
#include "pipeline/embedding_masks.h"
#include "pipeline/reconstruction.h"
#include "pipeline/speaker_count.h"

namespace diarize {

void validate_speaker_options(const JobOptions& options) {
  if (options.num_speakers < 0 || options.min_speakers < 0 || options.max_speakers < 0)
    throw UsageError("speaker numbers must be positive");
  if (options.num_speakers == 0 && options.min_speakers > 0 && options.max_speakers > 0 &&
      options.min_speakers > options.max_speakers)
    throw UsageError("min-speakers (" + std::to_string(options.min_speakers) + ") is larger than max-speakers (" +
                     std::to_string(options.max_speakers) + ")");
}

Diarization diarize_from_segmentation(const ChunkFrames& segmentation, const std::vector<float>& embeddings,
                                      int64_t dim, const JobOptions& options, const PipelineConfig& config) {
  validate_speaker_options(options);
  if (static_cast<int64_t>(embeddings.size()) != segmentation.num_chunks * segmentation.num_columns * dim)
    throw std::invalid_argument("diarize_from_segmentation: embeddings must be [chunks, speakers, dim]");
  const FrameGrid chunks = chunk_grid(config.chunking);

  const SpeakerCount count = speaker_count(segmentation, chunks, config.frames);
  // Upstream exits early, with an empty annotation, when nobody ever speaks.
  if (count.max_count() == 0) return Diarization{};

  const std::vector<uint8_t> active = active_speakers(segmentation);
  const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};
  ClusteringResult clusters = cluster_embeddings(embeddings, segmentation.num_chunks, segmentation.num_columns, dim,
                                                 active, bounds, config.clustering);
  for (size_t p = 0; p < active.size(); ++p)
    if (!active[p]) clusters.hard_clusters[p] = -2;
  return diarize_from_clusters(segmentation, count, clusters.hard_clusters, clusters.centroids, dim, options, config);
}

Diarization diarize_from_clusters(const ChunkFrames& segmentation, const SpeakerCount& count,
                                  const std::vector<int>& hard_clusters, const std::vector<float>& centroids,
                                  int64_t dim, const JobOptions& options, const PipelineConfig& config) {
  const DiscreteDiarization discrete = reconstruct_discrete(segmentation, count, hard_clusters, options, config);
  return diarization_from_discrete(discrete.regular, exclusive_discrete(discrete), centroids, dim, options);
}

DiscreteDiarization reconstruct_discrete(const ChunkFrames& segmentation, const SpeakerCount& count,
                                         const std::vector<int>& hard_clusters, const JobOptions& options,
                                         const PipelineConfig& config) {
  DiscreteDiarization out;
  // apply() caps the instantaneous count at max_speakers (num_speakers wins, unset = unbounded).
  const int max_speakers = options.num_speakers ? options.num_speakers : options.max_speakers;
  out.count = cap_count(count.count, max_speakers);
  FrameSeries clustered = clustered_activations(segmentation, hard_clusters, chunk_grid(config.chunking), config.frames);
  out.num_clusters = clustered.num_columns;
  out.activations = padded_activations(std::move(clustered), out.count);
  out.regular = discrete_diarization(out.activations, out.count);
  return out;
}

FrameSeries exclusive_discrete(const DiscreteDiarization& discrete) {
  std::vector<int> at_most_one(discrete.count);
  for (int& c : at_most_one) c = std::min(c, 1);
  return discrete_diarization(discrete.activations, at_most_one);
}

Diarization diarization_from_discrete(const FrameSeries& regular, const FrameSeries& exclusive,
                                      const std::vector<float>& centroids, int64_t dim, const JobOptions& options) {
  BinarizedDiarization binarized = binarize(regular);
  // The exclusive diarization is labelled like the regular one.
  const Diarization exclusive_turns =
      binarize_with_labels(exclusive, binarized.diarization.labels, binarized.label_clusters);
  Diarization out = std::move(binarized.diarization);
  out.exclusive_turns = exclusive_turns.turns;
  if (options.return_centroids) {
    const int64_t num_clusters = dim > 0 ? static_cast<int64_t>(centroids.size()) / dim : 0;
    // Labels made by count padding (more simultaneous speakers than clusters) get zero vectors.
    for (const int64_t k : binarized.label_clusters) {
      std::vector<float> centroid(static_cast<size_t>(dim), 0.0f);
      if (k < num_clusters)
        std::copy_n(&centroids[static_cast<size_t>(k * dim)], dim, centroid.begin());
      out.centroids.push_back(std::move(centroid));
    }
  }
  return out;
}

}  // namespace diarize
