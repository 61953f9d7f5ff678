// scipy.cluster.hierarchy as pyannote 3.1 uses it: linkage(method="centroid", metric="euclidean")
// and fcluster(criterion="distance"), reproduced merge for merge (order and tie-breaking included),
// because the clustering's dendrogram re-cut walks the merges by index.
#pragma once

#include <cstdint>
#include <vector>

namespace diarize {

// One row of scipy's linkage matrix Z.
struct Merge {
  int64_t left = 0;   // cluster ids: < n are observations, n + k is the cluster made by merge k
  int64_t right = 0;  // left < right
  double distance = 0.0;
  int64_t size = 0;   // observations in the new cluster
};

// Euclidean distance of two rows of `dim` doubles, summed in order as scipy's pdist does.
double euclidean_distance(const double* u, const double* v, int64_t dim);

// Centroid linkage of `num_points` rows of `dim` doubles (row-major), n >= 2. scipy 1.10 runs its
// generic algorithm (_hierarchy.pyx::fast_linkage, Muellner's "generic clustering algorithm": a
// heap of per-cluster lower bounds to the nearest neighbour with a higher index) for centroid, and
// updates distances with d(z, x+y) = sqrt((nx d(z,x)^2 + ny d(z,y)^2 - nx ny d(x,y)^2/(nx+ny)) /
// (nx+ny)). The rows are NOT re-sorted by distance (centroid linkage can have inversions), and
// ties go to the lowest index the heap and the forward scans find first.
// Memory: n(n-1)/2 doubles, like scipy's condensed matrix.
std::vector<Merge> centroid_linkage(const std::vector<double>& points, int64_t num_points, int64_t dim);

// Clusters that a linkage starts from instead of single observations (see bounded_linkage.h).
struct StartingClusters {
  std::vector<int64_t> sizes;  // observations in each cluster (>= 1)
  std::vector<int64_t> ids;    // each cluster's id in the full dendrogram
  int64_t next_id = 0;         // id of the cluster this linkage's first merge makes
};

// The same algorithm from weighted clusters given by their centroids (rows of `dim` doubles): for
// centroid linkage that equals having merged each cluster's observations first, because scipy's
// distance update is the exact Euclidean distance between centroids. With unit sizes, ids 0..n-1 and
// next_id n it is the function above.
std::vector<Merge> centroid_linkage(const std::vector<double>& centroids, const StartingClusters& start, int64_t dim);

// fcluster(Z, cutoff, criterion="distance"): flat cluster numbers 1.. for each observation, in
// scipy's numbering (pre-order walk from the root; a subtree whose maximum merge height is
// <= cutoff is one cluster).
std::vector<int> fcluster_distance(const std::vector<Merge>& linkage, double cutoff);

}  // namespace diarize
