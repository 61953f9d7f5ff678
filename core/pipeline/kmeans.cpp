// KMeans (sklearn/cluster/_kmeans.py and _k_means_lloyd.pyx at 1.2.1). Float32 where scikit-learn
// keeps the data's dtype (centres, Lloyd distances, inertia), float64 where it upcasts
// (k-means++ distances, the cumulative potential), numpy's reduction orders where they are cheap.
#include "pipeline/kmeans.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "pipeline/numpy_random.h"
#include "pipeline/upstream_arithmetic.h"

namespace diarize {

namespace {

struct Data {
  const float* x;
  int64_t n;
  int64_t dim;
  const float* row(int64_t i) const { return x + i * dim; }
};

// _euclidean_distances(c, X, squared=True) for float32 data: each distance in float64 as
// -2 c·x + |c|² + |x|² (norms recomputed on the upcast rows), stored as float32, clipped at 0.
std::vector<float> squared_distances_to(const Data& d, const float* c, const std::vector<double>& row_norms) {
  double cc = 0.0;
  for (int64_t j = 0; j < d.dim; ++j) cc += static_cast<double>(c[j]) * static_cast<double>(c[j]);
  std::vector<float> out(static_cast<size_t>(d.n));
  for (int64_t i = 0; i < d.n; ++i) {
    const float* x = d.row(i);
    double dot = 0.0;
    for (int64_t j = 0; j < d.dim; ++j) dot += static_cast<double>(c[j]) * static_cast<double>(x[j]);
    const float v = static_cast<float>(-2 * dot + cc + row_norms[static_cast<size_t>(i)]);
    out[static_cast<size_t>(i)] = std::max(v, 0.0f);
  }
  return out;
}

// _kmeans_plusplus: greedy k-means++ with 2 + int(log k) local trials per centre.
std::vector<float> kmeans_plusplus(const Data& d, int k, LegacyRandomState& rng) {
  std::vector<double> row_norms(static_cast<size_t>(d.n));
  for (int64_t i = 0; i < d.n; ++i) {
    double s = 0.0;
    for (int64_t j = 0; j < d.dim; ++j) s += static_cast<double>(d.row(i)[j]) * static_cast<double>(d.row(i)[j]);
    row_norms[static_cast<size_t>(i)] = s;
  }
  std::vector<float> centers(static_cast<size_t>(k * d.dim));
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  int64_t chosen = rng.randint(d.n);
  std::copy_n(d.row(chosen), d.dim, centers.begin());
  std::vector<float> closest = squared_distances_to(d, d.row(chosen), row_norms);
  float potential = numpy_pairwise_sum(closest.data(), d.n);
  std::vector<double> cumulative(static_cast<size_t>(d.n));
  for (int c = 1; c < k; ++c) {
    double running = 0.0;  // stable_cumsum: float64 running sum
    for (int64_t i = 0; i < d.n; ++i) cumulative[static_cast<size_t>(i)] = running += closest[static_cast<size_t>(i)];
    std::vector<float> best_distances;
    float best_potential = 0.0f;
    int64_t best_id = -1;
    std::vector<int64_t> candidates(static_cast<size_t>(trials));
    for (int t = 0; t < trials; ++t) {
      const double target = rng.random_sample() * static_cast<double>(potential);
      // np.searchsorted(side="left"), clipped to the last index against rounding.
      const int64_t id = std::lower_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin();
      candidates[static_cast<size_t>(t)] = std::min(id, d.n - 1);
    }
    for (int t = 0; t < trials; ++t) {
      const int64_t id = candidates[static_cast<size_t>(t)];
      std::vector<float> dist = squared_distances_to(d, d.row(id), row_norms);
      for (int64_t i = 0; i < d.n; ++i) dist[static_cast<size_t>(i)] = std::min(closest[static_cast<size_t>(i)], dist[static_cast<size_t>(i)]);
      const float pot = numpy_pairwise_sum(dist.data(), d.n);
      if (best_id < 0 || pot < best_potential) {  // np.argmin: first minimum
        best_potential = pot;
        best_id = id;
        best_distances = std::move(dist);
      }
    }
    potential = best_potential;
    closest = std::move(best_distances);
    std::copy_n(d.row(best_id), d.dim, centers.begin() + static_cast<int64_t>(c) * d.dim);
  }
  return centers;
}

// _euclidean_dense_dense(squared=True): float32, four terms at a time.
float squared_distance_f32(const float* a, const float* b, int64_t dim) {
  float result = 0.0f;
  int64_t j = 0;
  for (; j + 4 <= dim; j += 4) {
    const float t0 = (a[j] - b[j]) * (a[j] - b[j]), t1 = (a[j + 1] - b[j + 1]) * (a[j + 1] - b[j + 1]);
    const float t2 = (a[j + 2] - b[j + 2]) * (a[j + 2] - b[j + 2]), t3 = (a[j + 3] - b[j + 3]) * (a[j + 3] - b[j + 3]);
    result += t0 + t1 + t2 + t3;
  }
  for (; j < dim; ++j) result += (a[j] - b[j]) * (a[j] - b[j]);
  return result;
}

struct LloydState {
  std::vector<float> centers_new;
  std::vector<float> weights;
  std::vector<float> shift;
};

// One lloyd_iter_chunked_dense: E-step (labels from |C|² - 2 X·Cᵀ, in float32) and, when
// `update`, the M-step with empty-cluster relocation, averaging and centre shifts.
void lloyd_step(const Data& d, int k, const std::vector<float>& centers, std::vector<int>& labels, LloydState* update) {
  std::vector<float> norms(static_cast<size_t>(k));
  for (int j = 0; j < k; ++j) {
    double s = 0.0;
    for (int64_t f = 0; f < d.dim; ++f) s += static_cast<double>(centers[j * d.dim + f]) * centers[j * d.dim + f];
    norms[static_cast<size_t>(j)] = static_cast<float>(s);
  }
  if (update) {
    update->centers_new.assign(static_cast<size_t>(k * d.dim), 0.0f);
    update->weights.assign(static_cast<size_t>(k), 0.0f);
  }
  for (int64_t i = 0; i < d.n; ++i) {
    const float* x = d.row(i);
    int label = 0;
    float best = 0.0f;
    for (int j = 0; j < k; ++j) {
      double dot = 0.0;
      for (int64_t f = 0; f < d.dim; ++f) dot += static_cast<double>(x[f]) * centers[j * d.dim + f];
      const float dist = -2.0f * static_cast<float>(dot) + norms[static_cast<size_t>(j)];
      if (j == 0 || dist < best) {
        best = dist;
        label = j;
      }
    }
    labels[static_cast<size_t>(i)] = label;
    if (update) {
      update->weights[static_cast<size_t>(label)] += 1.0f;
      float* acc = &update->centers_new[static_cast<size_t>(label * d.dim)];
      for (int64_t f = 0; f < d.dim; ++f) acc[f] += x[f];
    }
  }
  if (!update) return;

  // _relocate_empty_clusters_dense: empty clusters take the points farthest from their centres.
  std::vector<int> empty;
  for (int j = 0; j < k; ++j)
    if (update->weights[static_cast<size_t>(j)] == 0.0f) empty.push_back(j);
  if (!empty.empty()) {
    std::vector<float> far(static_cast<size_t>(d.n)), diff(static_cast<size_t>(d.dim));
    for (int64_t i = 0; i < d.n; ++i) {
      const float* c = &centers[static_cast<size_t>(labels[static_cast<size_t>(i)] * d.dim)];
      for (int64_t f = 0; f < d.dim; ++f) diff[static_cast<size_t>(f)] = (d.row(i)[f] - c[f]) * (d.row(i)[f] - c[f]);
      far[static_cast<size_t>(i)] = numpy_pairwise_sum(diff.data(), d.dim);
    }
    if (*std::max_element(far.begin(), far.end()) > 0.0f) {
      // argpartition's order among the farthest points is unspecified; this takes them by
      // decreasing distance, lower index first on ties.
      std::vector<int64_t> order(static_cast<size_t>(d.n));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return far[static_cast<size_t>(a)] > far[static_cast<size_t>(b)]; });
      for (size_t e = 0; e < empty.size(); ++e) {
        const int64_t point = order[e];
        const int from = labels[static_cast<size_t>(point)], to = empty[e];
        for (int64_t f = 0; f < d.dim; ++f) {
          update->centers_new[static_cast<size_t>(from * d.dim + f)] -= d.row(point)[f];
          update->centers_new[static_cast<size_t>(to * d.dim + f)] = d.row(point)[f];
        }
        update->weights[static_cast<size_t>(to)] = 1.0f;
        update->weights[static_cast<size_t>(from)] -= 1.0f;
      }
    }
  }
  // _average_centers (multiply by the float32 reciprocal) and _center_shift.
  update->shift.assign(static_cast<size_t>(k), 0.0f);
  for (int j = 0; j < k; ++j) {
    float* c = &update->centers_new[static_cast<size_t>(j * d.dim)];
    if (update->weights[static_cast<size_t>(j)] > 0.0f) {
      const float alpha = 1.0f / update->weights[static_cast<size_t>(j)];
      for (int64_t f = 0; f < d.dim; ++f) c[f] *= alpha;
    }
    update->shift[static_cast<size_t>(j)] = std::sqrt(squared_distance_f32(c, &centers[static_cast<size_t>(j * d.dim)], d.dim));
  }
}

struct Run {
  std::vector<int> labels;
  std::vector<float> centers;
  float inertia = 0.0f;
  int n_iter = 0;
};

// _kmeans_single_lloyd.
Run lloyd(const Data& d, int k, std::vector<float> centers, int max_iter, double tol) {
  Run run;
  std::vector<int> labels(static_cast<size_t>(d.n), -1), previous(static_cast<size_t>(d.n), -1);
  LloydState state;
  bool strict = false;
  int i = 0;
  for (; i < max_iter; ++i) {
    lloyd_step(d, k, centers, labels, &state);
    centers.swap(state.centers_new);
    if (labels == previous) {
      strict = true;
      break;
    }
    std::vector<float> squared(state.shift.size());
    for (size_t j = 0; j < squared.size(); ++j) squared[j] = state.shift[j] * state.shift[j];
    if (static_cast<double>(numpy_pairwise_sum(squared.data(), k)) <= tol) break;
    previous = labels;
  }
  if (!strict) lloyd_step(d, k, centers, labels, nullptr);  // labels that match the final centres
  run.inertia = 0.0f;
  for (int64_t p = 0; p < d.n; ++p)
    run.inertia += squared_distance_f32(d.row(p), &centers[static_cast<size_t>(labels[static_cast<size_t>(p)] * d.dim)], d.dim);
  run.labels = std::move(labels);
  run.centers = std::move(centers);
  run.n_iter = std::min(i, max_iter - 1) + 1;
  return run;
}

// _is_same_clustering: equal up to a permutation of the labels.
bool same_clustering(const std::vector<int>& a, const std::vector<int>& b, int k) {
  std::vector<int> mapping(static_cast<size_t>(k), -1);
  for (size_t i = 0; i < a.size(); ++i) {
    int& m = mapping[static_cast<size_t>(a[i])];
    if (m == -1)
      m = b[i];
    else if (m != b[i])
      return false;
  }
  return true;
}

// _tolerance: mean over features of np.var(X, axis=0) (float32), times tol (in float64).
double scaled_tolerance(const Data& d, double tol) {
  if (tol == 0.0) return 0.0;
  const float count = static_cast<float>(d.n);
  std::vector<float> mean(static_cast<size_t>(d.dim), 0.0f), variance(static_cast<size_t>(d.dim), 0.0f);
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t f = 0; f < d.dim; ++f) mean[static_cast<size_t>(f)] += d.row(i)[f];
  for (float& m : mean) m = m / count;
  for (int64_t i = 0; i < d.n; ++i)
    for (int64_t f = 0; f < d.dim; ++f) {
      const float c = d.row(i)[f] - mean[static_cast<size_t>(f)];
      variance[static_cast<size_t>(f)] += c * c;
    }
  for (float& v : variance) v = v / count;
  const float mean_variance = numpy_pairwise_sum(variance.data(), d.dim) / static_cast<float>(d.dim);
  return static_cast<double>(mean_variance) * tol;
}

}  // namespace

KMeansResult kmeans_fit(const std::vector<float>& data, int64_t n, int64_t dim, int k, const KMeansConfig& config) {
  if (k < 1 || n < k || static_cast<int64_t>(data.size()) != n * dim)
    throw std::invalid_argument("kmeans_fit: needs 1 <= k <= n (n=" + std::to_string(n) + ", k=" + std::to_string(k) + ")");
  const double tol = scaled_tolerance(Data{data.data(), n, dim}, config.tol);

  // Centre a copy on its float32 mean (sequential column sums, as numpy's axis-0 mean).
  std::vector<float> mean(static_cast<size_t>(dim), 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t f = 0; f < dim; ++f) mean[static_cast<size_t>(f)] += data[static_cast<size_t>(i * dim + f)];
  for (float& m : mean) m = m / static_cast<float>(n);
  std::vector<float> centred(data);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t f = 0; f < dim; ++f) centred[static_cast<size_t>(i * dim + f)] -= mean[static_cast<size_t>(f)];
  const Data d{centred.data(), n, dim};

  LegacyRandomState rng(config.random_state);  // one generator for every initialisation
  KMeansResult result;
  bool have_best = false;
  Run best;
  for (int init = 0; init < config.n_init; ++init) {
    std::vector<float> seeds = kmeans_plusplus(d, k, rng);
    result.inits.push_back(seeds);
    Run run = lloyd(d, k, std::move(seeds), config.max_iter, tol);
    // A new run wins only with a lower inertia and a different partition (rounding can make a
    // relabelled copy of the best one look better).
    if (!have_best || (run.inertia < best.inertia && !same_clustering(run.labels, best.labels, k))) {
      best = std::move(run);
      have_best = true;
    }
  }
  for (int j = 0; j < k; ++j)
    for (int64_t f = 0; f < dim; ++f) best.centers[static_cast<size_t>(j * dim + f)] += mean[static_cast<size_t>(f)];
  result.labels = std::move(best.labels);
  result.centers = std::move(best.centers);
  result.inertia = static_cast<double>(best.inertia);
  result.n_iter = best.n_iter;
  return result;
}

}  // namespace diarize
