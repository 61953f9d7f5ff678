// scipy-compatible centroid linkage / fcluster, numpy-compatible argsort, and pyannote 3.1.1
// AgglomerativeClustering against the five clustering goldens (none, num2, num4, min4, max2).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/pipeline/golden_arrays.h"
#include "pipeline/clustering.h"
#include "pipeline/embedding_masks.h"
#include "pipeline/hierarchy.h"
#include "pipeline/numpy_argsort.h"

using namespace diarize;
using diarize::test::chunk_frames_from;
using diarize::test::ints_from;
using diarize::test::read_golden;

TEST_CASE("centroid linkage reproduces a hand-computed dendrogram", "[pipeline][hierarchy]") {
  // Points 0, 1, 3 on a line: merge {0,1} at 1, then its centroid 0.5 joins 3 at 2.5.
  const std::vector<Merge> Z = centroid_linkage({0.0, 1.0, 3.0}, 3, 1);
  REQUIRE(Z.size() == 2);
  CHECK(Z[0].left == 0);
  CHECK(Z[0].right == 1);
  CHECK(Z[0].distance == 1.0);
  CHECK(Z[0].size == 2);
  CHECK(Z[1].left == 2);
  CHECK(Z[1].right == 3);
  CHECK(Z[1].distance == Approx(2.5).margin(1e-15));
  CHECK(Z[1].size == 3);
  CHECK(fcluster_distance(Z, 1.5) == std::vector<int>{1, 1, 2});
  CHECK(fcluster_distance(Z, 0.5) == std::vector<int>{1, 2, 3});
  CHECK(fcluster_distance(Z, 3.0) == std::vector<int>{1, 1, 1});
}

TEST_CASE("centroid linkage breaks ties by index and keeps inversions unsorted", "[pipeline][hierarchy]") {
  // 0, 1, 2 on a line: (0,1) and (1,2) tie at exactly 1; the lower index wins.
  std::vector<Merge> Z = centroid_linkage({0.0, 1.0, 2.0}, 3, 1);
  CHECK(Z[0].left == 0);
  CHECK(Z[0].right == 1);
  CHECK(Z[1].left == 2);
  CHECK(Z[1].right == 3);
  CHECK(Z[1].distance == 1.5);
  // (0,0), (2,0), (1,1.5): 0 and 2 merge at sqrt(3.25); their centroid (0.5, 0.75) is closer to
  // point 1 (sqrt(2.8125)), an inversion that scipy leaves in place.
  Z = centroid_linkage({0.0, 0.0, 2.0, 0.0, 1.0, 1.5}, 3, 2);
  CHECK(Z[0].left == 0);
  CHECK(Z[0].right == 2);
  CHECK(Z[0].distance == Approx(std::sqrt(3.25)).epsilon(1e-12));
  CHECK(Z[1].left == 1);
  CHECK(Z[1].right == 3);
  CHECK(Z[1].distance == Approx(std::sqrt(2.8125)).epsilon(1e-12));
  // fcluster uses the maximum height within each subtree, and numbers clusters in pre-order.
  CHECK(fcluster_distance(Z, 1.7) == std::vector<int>{1, 3, 2});
  CHECK(fcluster_distance(Z, 1.9) == std::vector<int>{1, 1, 1});
}

TEST_CASE("numpy argsort: small arrays are stable, NaN sorts last, large ones are sorted", "[pipeline][argsort]") {
  const std::vector<float> small = {0.0f, -1.0f, 0.0f, -1.0f, NAN, 2.0f};
  CHECK(numpy_argsort(small.data(), 6) == std::vector<int64_t>{1, 3, 0, 2, 5, 4});
  std::vector<double> large(200);
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<double>((i * 37) % 11);
  const std::vector<int64_t> order = numpy_argsort(large.data(), 200);
  std::vector<int64_t> sorted_order = order;
  std::sort(sorted_order.begin(), sorted_order.end());
  std::vector<int64_t> identity(200);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted_order == identity);  // a permutation
  for (size_t i = 1; i < order.size(); ++i) CHECK(large[order[i - 1]] <= large[order[i]]);
}

TEST_CASE("numpy argsort: 17 elements already partition, with numpy's tie order", "[pipeline][argsort]") {
  // Captured from numpy 1.24.2 (Debian 12, the goldens' version): np.argsort(v) of this float32
  // array. A stable sort would give 2, 3, 5, 7, 11, 0, 4, 12, ...
  const std::vector<float> v = {1, 2, 0, 0, 1, 0, 2, 0, 2, 2, 2, 0, 1, 1, 1, 1, 2};
  CHECK(numpy_argsort(v.data(), 17) ==
        std::vector<int64_t>{2, 3, 5, 7, 11, 0, 14, 4, 13, 15, 12, 8, 9, 6, 1, 10, 16});
}

TEST_CASE("cluster targets follow set_num_clusters", "[pipeline][clustering]") {
  ClusterTarget t = resolve_cluster_target(97, {});
  CHECK(t.min_clusters == 1);
  CHECK(t.max_clusters == 97);
  CHECK(t.num_clusters == 0);
  t = resolve_cluster_target(97, {2, 0, 0});
  CHECK(t.num_clusters == 2);
  t = resolve_cluster_target(3, {0, 4, 0});  // clipped to the number of embeddings
  CHECK(t.min_clusters == 3);
  CHECK(t.num_clusters == 3);
  CHECK_THROWS_AS(resolve_cluster_target(97, {0, 4, 2}), std::invalid_argument);
}

namespace {

struct Case {
  const char* name;
  SpeakerBounds bounds;
  int64_t expected_clusters;
};

}  // namespace

TEST_CASE("AgglomerativeClustering matches the pyannote 3.1.1 goldens for all speaker constraints",
          "[pipeline][clustering][golden]") {
  const SafetensorsFile golden = read_golden("clustering_synth_3spk_overlap.safetensors");
  const ChunkFrames segmentation =
      chunk_frames_from(read_golden("segmentation_synth_3spk_overlap.safetensors").at("segmentation"));
  const TensorData& embeddings_tensor = golden.at("embeddings");
  const int64_t num_chunks = embeddings_tensor.shape[0], num_speakers = embeddings_tensor.shape[1],
                dim = embeddings_tensor.shape[2];
  const std::vector<float> embeddings = embeddings_tensor.to_f32();
  const std::vector<uint8_t> active = active_speakers(segmentation);
  CHECK(std::count(active.begin(), active.end(), 1) == 97);

  const Case cases[] = {{"none", {0, 0, 0}, 3},
                        {"num2", {2, 0, 0}, 2},
                        {"num4", {4, 0, 0}, 3},
                        {"min4", {0, 4, 0}, 3},
                        {"max2", {0, 0, 2}, 2}};
  for (const Case& c : cases) {
    const std::string prefix = std::string(c.name) + "/";
    INFO("case " << c.name);
    const ClusteringResult result =
        cluster_embeddings(embeddings, num_chunks, num_speakers, dim, active, c.bounds);
    REQUIRE(result.num_clusters == c.expected_clusters);

    // Cluster indices: exact.
    CHECK(result.hard_clusters == ints_from(golden.at(prefix + "hard_clusters")));
    std::vector<int> final_clusters = result.hard_clusters;
    for (size_t p = 0; p < active.size(); ++p)
      if (!active[p]) final_clusters[p] = -2;
    CHECK(final_clusters == ints_from(golden.at(prefix + "hard_clusters_final")));

    // Centroids: float32 means of ~30 vectors of norm 0.5..2; 1e-5 absorbs a different summation
    // order (we follow numpy's, so they should agree to the last bit or two).
    const std::vector<float> centroids = golden.at(prefix + "centroids").to_f32();
    REQUIRE(result.centroids.size() == centroids.size());
    float worst_centroid = 0.0f;
    for (size_t i = 0; i < centroids.size(); ++i)
      worst_centroid = std::max(worst_centroid, std::fabs(result.centroids[i] - centroids[i]));
    CHECK(worst_centroid <= 1e-5f);

    // Soft scores: 2 - cosine distance in double from float32 inputs; 1e-6 allows for centroids
    // that differ in the last float32 bit. NaN rows (inactive pairs) must be NaN in both.
    const std::vector<double> soft = golden.at(prefix + "soft_clusters").to_f64();
    REQUIRE(result.soft_clusters.size() == soft.size());
    double worst_soft = 0.0;
    size_t nan_mismatches = 0;
    for (size_t i = 0; i < soft.size(); ++i) {
      if (std::isnan(soft[i]) || std::isnan(result.soft_clusters[i])) {
        if (std::isnan(soft[i]) != std::isnan(result.soft_clusters[i])) ++nan_mismatches;
        continue;
      }
      worst_soft = std::max(worst_soft, std::fabs(result.soft_clusters[i] - soft[i]));
    }
    CHECK(nan_mismatches == 0);
    CHECK(worst_soft <= 1e-6);
  }
}

TEST_CASE("clustering degenerate inputs", "[pipeline][clustering]") {
  // One speaker forced: no clustering, everything in cluster 0.
  std::vector<float> embeddings = {1.0f, 0.0f, 0.0f, 1.0f};
  std::vector<uint8_t> active = {1, 1};
  ClusteringResult r = cluster_embeddings(embeddings, 1, 2, 2, active, {1, 0, 0});
  CHECK(r.num_clusters == 1);
  CHECK(r.hard_clusters == std::vector<int>{0, 0});
  CHECK(r.centroids == std::vector<float>{0.5f, 0.5f});
  // A single embedding gives a single cluster.
  active = {1, 0};
  r = cluster_embeddings(embeddings, 1, 2, 2, active, {});
  CHECK(r.num_clusters == 1);
  CHECK(r.hard_clusters[0] == 0);
  // Two orthogonal embeddings: cosine distance 1 > threshold, but min_cluster_size 1 keeps both.
  active = {1, 1};
  r = cluster_embeddings(embeddings, 1, 2, 2, active, {});
  CHECK(r.num_clusters == 2);
  CHECK(r.hard_clusters == std::vector<int>{0, 1});
}
