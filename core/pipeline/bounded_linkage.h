// Centroid linkage whose memory stays bounded on long recordings. scipy's algorithm (hierarchy.h)
// keeps n(n-1)/2 doubles: 256 MiB for 8,192 embeddings, 2.5 GB for 25,000 (about four hours of
// two-speaker speech). Above `max_exact_points` clusters are merged with their nearest neighbours
// first, closest pairs first and each cluster at most once per round, until that many clusters
// remain; the exact algorithm links those. For
// centroid linkage a pre-merged cluster is exactly its centroid with its size (hierarchy.h), so
// the only approximation is the ORDER of those first, shortest merges. Up to `max_exact_points`
// the result is scipy's, merge for merge.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/hierarchy.h"

namespace diarize {

// The full dendrogram: n - 1 merges with scipy's cluster ids (observations 0..n-1, merge k makes
// n + k), so fcluster and the re-cut by merge index work on it unchanged.
std::vector<Merge> bounded_centroid_linkage(const std::vector<double>& points, int64_t num_points, int64_t dim,
                                            int64_t max_exact_points);

}  // namespace diarize
