// pyannote.audio 3.1.1 AgglomerativeClustering (pipelines/clustering.py), method "centroid",
// metric "cosine": which (chunk, local speaker) embeddings are clustered, how many clusters, and
// the final assignment of every pair to a centroid.
#pragma once

#include <cstdint>
#include <vector>

namespace diarize {

struct ClusteringConfig {
  double threshold = 0.7045654963945799;  // euclidean between unit vectors (cosine 0.2482)
  int min_cluster_size = 12;
  // Above this many embeddings the linkage pre-merges mutual nearest neighbours so that its distance
  // matrix stays at 256 MiB (bounded_linkage.h); at or below it, scipy's result exactly.
  int64_t max_exact_linkage_points = 8192;
};

// Speaker-number constraints as SpeakerDiarization.apply passes them (0 = not given).
struct SpeakerBounds {
  int num_speakers = 0;
  int min_speakers = 0;
  int max_speakers = 0;
};

// Upstream set_num_clusters(): resolved [min, max] and the exact target (0 = none) for `n` embeddings.
struct ClusterTarget {
  int num_clusters = 0;
  int min_clusters = 1;
  int max_clusters = 1;
};
// Throws std::invalid_argument when min > max (upstream raises ValueError).
ClusterTarget resolve_cluster_target(int64_t num_embeddings, const SpeakerBounds& bounds);

// AgglomerativeClustering.cluster(): flat cluster indices 0..K-1 for `n` rows of `dim` float32
// embeddings (row-major, all finite). Normalises a float32 copy as numpy does, links the unit vectors
// (centroid, euclidean), cuts at the threshold, re-cuts the dendrogram by merge index when the number
// of large clusters misses the target, then merges small clusters into the nearest large one.
std::vector<int> agglomerative_cluster(const std::vector<float>& embeddings, int64_t n, int64_t dim,
                                       const ClusterTarget& target, const ClusteringConfig& config = {});

struct ClusteringResult {
  int64_t num_chunks = 0;
  int64_t num_speakers = 0;  // local speakers per chunk
  int64_t num_clusters = 0;  // K
  std::vector<int> hard_clusters;     // [C, S] argmax of soft_clusters (NaN rows give 0, like numpy)
  std::vector<double> soft_clusters;  // [C, S, K] 2 - cosine distance to the centroids; NaN rows for NaN embeddings
  std::vector<float> centroids;       // [K, D] mean of the raw (un-normalised) clustered embeddings
};

// AgglomerativeClustering.__call__(): embeddings [C, S, D] (NaN rows = not computed), `active` [C, S]
// from active_speakers(). Pairs that are active and finite are clustered; every pair is then
// assigned to its most similar centroid (inactive ones too; the caller marks those -2).
ClusteringResult cluster_embeddings(const std::vector<float>& embeddings, int64_t num_chunks, int64_t num_speakers,
                                    int64_t dim, const std::vector<uint8_t>& active, const SpeakerBounds& bounds,
                                    const ClusteringConfig& config = {});

}  // namespace diarize
