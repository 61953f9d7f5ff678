// Centroid linkage and distance-criterion flat clusters, transcribed from scipy 1.10
// (cluster/_hierarchy.pyx: fast_linkage, find_min_dist, cluster_dist, get_max_dist_for_each_cluster,
// cluster_monocrit; cluster/_structures.pxi: Heap).
#include "pipeline/hierarchy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace diarize {

namespace {

int64_t condensed_index(int64_t n, int64_t i, int64_t j) {
  if (i < j) return n * i - (i * (i + 1) / 2) + (j - i - 1);
  return n * j - (j * (j + 1) / 2) + (i - j - 1);
}

// scipy's binary min-heap keyed by cluster index, with change_value; kept identical because the
// order in which equal lower bounds come out of it decides ties between merges.
class Heap {
 public:
  explicit Heap(const std::vector<double>& values)
      : size_(static_cast<int64_t>(values.size())), index_by_key_(values.size()), key_by_index_(values.size()),
        values_(values) {
    for (int64_t i = 0; i < size_; ++i) index_by_key_[i] = key_by_index_[i] = i;
    for (int64_t i = size_ / 2 - 1; i >= 0; --i) sift_down(i);
  }
  std::pair<int64_t, double> get_min() const { return {key_by_index_[0], values_[0]}; }
  void remove_min() {
    swap(0, size_ - 1);
    size_ -= 1;
    sift_down(0);
  }
  void change_value(int64_t key, double value) {
    const int64_t index = index_by_key_[key];
    const double old = values_[index];
    values_[index] = value;
    if (value < old)
      sift_up(index);
    else
      sift_down(index);
  }

 private:
  void sift_up(int64_t index) {
    int64_t parent = (index - 1) >> 1;
    while (index > 0 && values_[parent] > values_[index]) {
      swap(index, parent);
      index = parent;
      parent = (index - 1) >> 1;
    }
  }
  void sift_down(int64_t index) {
    int64_t child = (index << 1) + 1;
    while (child < size_) {
      if (child + 1 < size_ && values_[child + 1] < values_[child]) child += 1;
      if (values_[index] > values_[child]) {
        swap(index, child);
        index = child;
        child = (index << 1) + 1;
      } else {
        break;
      }
    }
  }
  void swap(int64_t i, int64_t j) {
    std::swap(values_[i], values_[j]);
    const int64_t key_i = key_by_index_[i], key_j = key_by_index_[j];
    key_by_index_[i] = key_j;
    key_by_index_[j] = key_i;
    index_by_key_[key_i] = j;
    index_by_key_[key_j] = i;
  }

  int64_t size_;
  std::vector<int64_t> index_by_key_, key_by_index_;
  std::vector<double> values_;
};

// Nearest live cluster with an index above x (first one wins a tie); key -1 when none.
std::pair<int64_t, double> find_min_dist(int64_t n, const std::vector<double>& D, const std::vector<int64_t>& size,
                                         int64_t x) {
  double current_min = std::numeric_limits<double>::infinity();
  int64_t y = -1;
  for (int64_t i = x + 1; i < n; ++i) {
    if (size[i] == 0) continue;
    const double dist = D[condensed_index(n, x, i)];
    if (dist < current_min) {
      current_min = dist;
      y = i;
    }
  }
  return {y, current_min};
}

double centroid_update(double d_xi, double d_yi, double d_xy, int64_t size_x, int64_t size_y) {
  const double nx = static_cast<double>(size_x), ny = static_cast<double>(size_y);
  // scipy's C expression order (int products promote to double the same way).
  return std::sqrt((((nx * d_xi * d_xi) + (ny * d_yi * d_yi)) - (nx * ny * d_xy * d_xy) / (nx + ny)) / (nx + ny));
}

}  // namespace

double euclidean_distance(const double* u, const double* v, int64_t dim) {
  double s = 0.0;
  for (int64_t k = 0; k < dim; ++k) {
    const double d = u[k] - v[k];
    s += d * d;
  }
  return std::sqrt(s);
}

std::vector<Merge> centroid_linkage(const std::vector<double>& points, int64_t n, int64_t dim) {
  if (n < 2) throw std::invalid_argument("centroid_linkage needs at least two points");
  if (static_cast<int64_t>(points.size()) != n * dim) throw std::invalid_argument("centroid_linkage: bad point array");
  StartingClusters start;
  start.sizes.assign(static_cast<size_t>(n), 1);
  start.ids.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) start.ids[static_cast<size_t>(i)] = i;
  start.next_id = n;
  return centroid_linkage(points, start, dim);
}

std::vector<Merge> centroid_linkage(const std::vector<double>& centroids, const StartingClusters& start, int64_t dim) {
  const int64_t n = static_cast<int64_t>(start.sizes.size());
  if (n < 2) throw std::invalid_argument("centroid_linkage needs at least two clusters");
  if (static_cast<int64_t>(centroids.size()) != n * dim || static_cast<int64_t>(start.ids.size()) != n)
    throw std::invalid_argument("centroid_linkage: bad cluster arrays");
  const std::vector<double>& points = centroids;

  // pdist(metric="euclidean") in double.
  std::vector<double> D(static_cast<size_t>(n * (n - 1) / 2));
  for (int64_t i = 0; i < n; ++i) {
    const double* u = &points[static_cast<size_t>(i * dim)];
    for (int64_t j = i + 1; j < n; ++j)
      D[condensed_index(n, i, j)] = euclidean_distance(u, &points[static_cast<size_t>(j * dim)], dim);
  }

  std::vector<Merge> Z(static_cast<size_t>(n - 1));
  std::vector<int64_t> size = start.sizes;
  std::vector<int64_t> cluster_id = start.ids;
  std::vector<int64_t> neighbor(static_cast<size_t>(n - 1));
  std::vector<double> min_dist(static_cast<size_t>(n - 1));

  for (int64_t x = 0; x < n - 1; ++x) {
    const auto pair = find_min_dist(n, D, size, x);
    neighbor[x] = pair.first;
    min_dist[x] = pair.second;
  }
  Heap heap(min_dist);

  for (int64_t k = 0; k < n - 1; ++k) {
    int64_t x = 0, y = 0;
    double dist = 0.0;
    // Pop lower bounds until one is exact; at most n - k refreshes (scipy's fixed-size loop).
    for (int64_t i = 0; i < n - k; ++i) {
      const auto top = heap.get_min();
      x = top.first;
      dist = top.second;
      y = neighbor[x];
      if (dist == D[condensed_index(n, x, y)]) break;
      const auto pair = find_min_dist(n, D, size, x);
      y = pair.first;
      dist = pair.second;
      neighbor[x] = y;
      min_dist[x] = dist;
      heap.change_value(x, dist);
    }
    heap.remove_min();

    int64_t id_x = cluster_id[x], id_y = cluster_id[y];
    const int64_t nx = size[x], ny = size[y];
    if (id_x > id_y) std::swap(id_x, id_y);
    Z[k] = Merge{id_x, id_y, dist, nx + ny};

    size[x] = 0;        // cluster x is dropped
    size[y] = nx + ny;  // cluster y becomes the merged cluster
    cluster_id[y] = start.next_id + k;

    for (int64_t z = 0; z < n; ++z) {
      const int64_t nz = size[z];
      if (nz == 0 || z == y) continue;
      D[condensed_index(n, z, y)] =
          centroid_update(D[condensed_index(n, z, x)], D[condensed_index(n, z, y)], dist, nx, ny);
    }
    // Neighbour candidates of x become y (a guess, as in scipy).
    for (int64_t z = 0; z < x; ++z)
      if (size[z] > 0 && neighbor[z] == x) neighbor[z] = y;
    // Lower bounds that the new distances undercut.
    for (int64_t z = 0; z < y; ++z) {
      if (size[z] == 0) continue;
      const double d = D[condensed_index(n, z, y)];
      if (d < min_dist[z]) {
        neighbor[z] = y;
        min_dist[z] = d;
        heap.change_value(z, d);
      }
    }
    if (y < n - 1) {
      const auto pair = find_min_dist(n, D, size, y);
      if (pair.first != -1) {
        neighbor[y] = pair.first;
        min_dist[y] = pair.second;
        heap.change_value(y, pair.second);
      }
    }
  }
  return Z;
}

namespace {

// scipy's iterative depth-first walk from the root: `visit(node)` runs each time a merge is on top of
// the stack (before and between its children), `leave(node)` once both children are done.
template <typename Visit, typename Leave>
void walk_dendrogram(const std::vector<Merge>& Z, Visit visit, Leave leave) {
  const int64_t n = static_cast<int64_t>(Z.size()) + 1;
  std::vector<int64_t> node(static_cast<size_t>(n));
  std::vector<uint8_t> visited(static_cast<size_t>(2 * n - 1), 0);
  int64_t k = 0;
  node[0] = 2 * n - 2;
  while (k >= 0) {
    const int64_t root = node[k] - n;
    visit(root);
    const int64_t lc = Z[root].left, rc = Z[root].right;
    if (lc >= n && !visited[lc]) {
      visited[lc] = 1;
      node[++k] = lc;
      continue;
    }
    if (rc >= n && !visited[rc]) {
      visited[rc] = 1;
      node[++k] = rc;
      continue;
    }
    leave(root);
    k -= 1;
  }
}

}  // namespace

std::vector<int> fcluster_distance(const std::vector<Merge>& Z, double cutoff) {
  const int64_t n = static_cast<int64_t>(Z.size()) + 1;
  std::vector<int> T(static_cast<size_t>(n), 0);
  if (n == 1) {
    T[0] = 1;
    return T;
  }
  // get_max_dist_for_each_cluster: the highest merge in each subtree (heights need not be monotone).
  std::vector<double> max_dist(static_cast<size_t>(n - 1));
  walk_dendrogram(
      Z, [](int64_t) {},
      [&](int64_t root) {
        double m = Z[root].distance;
        const int64_t lc = Z[root].left, rc = Z[root].right;
        if (lc >= n && max_dist[lc - n] > m) m = max_dist[lc - n];
        if (rc >= n && max_dist[rc - n] > m) m = max_dist[rc - n];
        max_dist[root] = m;
      });

  // cluster_monocrit: the first subtree on the way down whose max height is <= cutoff becomes a
  // cluster; leaves outside any such subtree are singletons. Numbers follow the walk order.
  int n_cluster = 0;
  int64_t cluster_leader = -1;
  walk_dendrogram(
      Z,
      [&](int64_t root) {
        if (cluster_leader == -1 && max_dist[root] <= cutoff) {
          cluster_leader = root;
          n_cluster += 1;
        }
      },
      [&](int64_t root) {
        for (const int64_t child : {Z[root].left, Z[root].right}) {
          if (child >= n) continue;
          if (cluster_leader == -1) n_cluster += 1;
          T[child] = n_cluster;
        }
        if (cluster_leader == root) cluster_leader = -1;
      });
  return T;
}

}  // namespace diarize
