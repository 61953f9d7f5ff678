// scikit-learn 1.2.1's KMeans(n_clusters, n_init=3, random_state=42, copy_x=False).fit_predict, as
// community-1 uses it when the requested number of speakers overrides VBx's: k-means++ seeding from
// numpy's legacy RandomState (the first centre by randint, as in 1.2; scikit-learn >= 1.3 draws it
// with choice(p=...) and so numbers the clusters differently), Lloyd iterations in float32 with the
// tolerance scaled by the data's variance, the best of the initialisations by inertia.
#pragma once

#include <cstdint>
#include <vector>

namespace diarize {

struct KMeansConfig {
  int n_init = 3;
  uint32_t random_state = 42;
  int max_iter = 300;
  double tol = 1e-4;  // relative to the mean per-feature variance
};

struct KMeansResult {
  std::vector<int> labels;                 // [N], 0..k-1
  std::vector<float> centers;              // [k, D] cluster_centers_ (float32, un-centred)
  double inertia = 0.0;                    // of the chosen run
  int n_iter = 0;                          // of the chosen run
  std::vector<std::vector<float>> inits;   // the k-means++ seeds [k * D] of every run (on the centred data)
};

// `data` [n, dim] float32 rows (sklearn centres a copy; copy_x=False only changes the caller's
// array, which community-1 never reuses). Requires 1 <= k <= n; std::invalid_argument otherwise.
KMeansResult kmeans_fit(const std::vector<float>& data, int64_t n, int64_t dim, int k, const KMeansConfig& config = {});

}  // namespace diarize
