// pyannote.audio 4.0.7 VBxClustering.__call__ (community-1): which (chunk, local speaker)
// embeddings train the clustering, AHC at 0.6 as VBx's start, VBx in the PLDA space, the speakers
// it keeps, the KMeans fallback when the requested number of speakers overrides VBx's, and the
// (constrained) assignment of every pair to a centroid. The intermediates are kept in the result
// because the goldens check each of them.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"
#include "pipeline/clustering.h"
#include "pipeline/kmeans.h"
#include "pipeline/plda_transform.h"
#include "pipeline/vbx.h"

namespace diarize {

struct VbxClusteringConfig {
  double threshold = 0.6;           // AHC cut (euclidean between unit vectors)
  double min_active_ratio = 0.2;    // training pairs speak alone in >= 20 % of the chunk's frames
  double speaker_prior_floor = 1e-7;  // VBx speakers kept: prior > this
  bool constrained_assignment = true;
  VbxConfig vbx;
  KMeansConfig kmeans;
  // Above this many training embeddings the AHC linkage pre-merges nearest neighbours
  // (bounded_linkage.h), as in the 3.1 clustering.
  int64_t max_exact_linkage_points = 8192;
  // Up to this many training embeddings VBx starts from AHC's clusters as upstream does, whatever
  // their number K0 (N = K0 = 8192: 512 MiB of responsibilities, 17 G multiply-adds per iteration).
  int64_t max_exact_vbx_embeddings = 8192;
  // Above it, the AHC start is coarsened by further merges of its dendrogram (closest first) until
  // N × K0 <= this (2^23 doubles = 64 MiB), so that the cost no longer grows with N²
  // (docs/accuracy.md, "Long recordings").
  int64_t max_vbx_cells = int64_t(1) << 23;
};

struct VbxClusteringResult {
  int64_t num_chunks = 0;
  int64_t num_speakers = 0;         // local speakers per chunk (S)
  int64_t num_clusters = 0;         // K, rows of centroids
  std::vector<int> hard_clusters;   // [C, S]; -2 where the constrained assignment left a speaker out
  // Upstream's dtype of hard_clusters: int8 from the early return and the constrained assignment,
  // int64 from argmax (KMeans path).
  bool hard_clusters_int8 = true;
  std::vector<double> soft_clusters;  // [C, S, K] 2 - cosine distance (inactive rows = const when constrained)
  std::vector<double> centroids;      // [K, D]: float64 after VBx, float32 values after KMeans

  // Intermediates.
  std::vector<int64_t> train_chunks, train_speakers;  // filter_embeddings, row-major
  bool early_return = false;          // fewer than 2 training embeddings: one cluster, no VBx
  std::vector<int64_t> ahc_clusters;  // [N] VBx's start (coarsened above max_vbx_cells)
  std::vector<double> features;       // [N, lda_dim] PLDA features
  VbxResult vbx;
  std::vector<int64_t> kept_speakers;  // VBx speakers with prior > floor
  std::vector<double> vbx_centroids;   // [kept, D] responsibility-weighted means of the raw embeddings
  int64_t auto_num_clusters = 0;       // kept.size()
  int64_t kmeans_num_clusters = -1;    // -1: KMeans did not run
  KMeansResult kmeans;
  bool constrained = false;            // whether the Hungarian assignment ran
  bool clamped = false;                // the requested speakers exceeded N (upstream raises here)
};

// `segmentation` [C, F, S] hard activity, `embeddings` [C, S, dim] (NaN rows = no embedding),
// `bounds` as SpeakerDiarization.apply receives them (0 = not given).
VbxClusteringResult vbx_cluster_embeddings(const ChunkFrames& segmentation, const std::vector<float>& embeddings,
                                           int64_t dim, const SpeakerBounds& bounds, const PldaTransform& plda,
                                           const VbxClusteringConfig& config = {});

}  // namespace diarize
