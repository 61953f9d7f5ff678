// The bound on VBx's cost above max_exact_vbx_embeddings (vbx_clustering.h, docs/accuracy.md):
// at or below it nothing changes; above it the AHC start is coarsened to fit max_vbx_cells, and on
// a separable golden set the speakers found are still upstream's. The goldens' sets are small, so
// the test lowers both limits instead of building 8,192 embeddings.
#include <catch2/catch.hpp>

#include <map>

#include "core/pipeline/golden_arrays.h"
#include "formats/plda_file.h"
#include "pipeline/vbx_clustering.h"

using namespace diarize;
using diarize::test::chunk_frames_from;

namespace {

// Hard clusters up to a renaming of the clusters (-2 kept as is).
bool same_partition(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) return false;
  std::map<int, int> forward, backward;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] < 0) != (b[i] < 0)) return false;
    if (a[i] < 0) continue;
    if (forward.emplace(a[i], b[i]).first->second != b[i]) return false;
    if (backward.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("VBx bound: inactive up to max_exact_vbx_embeddings, same speakers above it", "[community1][vbx-bound]") {
  const SafetensorsFile g = test::read_golden("community1/community1_synth_3spk_overlap.safetensors");
  const ChunkFrames segmentation = chunk_frames_from(g.at("segmentation"));
  const std::vector<float> embeddings = g.at("embeddings").to_f32();
  const std::string dir = test::shared_path("models/plda");
  const PldaTransform plda = make_plda_transform(read_plda(dir + "/xvec_transform.npz", dir + "/plda.npz"));
  const VbxClusteringResult exact = vbx_cluster_embeddings(segmentation, embeddings, 256, SpeakerBounds{}, plda);
  REQUIRE(exact.train_chunks.size() == 80u);
  REQUIRE(exact.vbx.num_speakers == 80);  // AHC leaves every training embedding alone

  // N = 80 at the limit: the bound does not apply, whatever max_vbx_cells says.
  VbxClusteringConfig at_limit;
  at_limit.max_exact_vbx_embeddings = 80;
  at_limit.max_vbx_cells = 80 * 10;
  const VbxClusteringResult same = vbx_cluster_embeddings(segmentation, embeddings, 256, SpeakerBounds{}, plda, at_limit);
  CHECK(same.ahc_clusters == exact.ahc_clusters);
  CHECK(same.vbx.gamma == exact.vbx.gamma);
  CHECK(same.hard_clusters == exact.hard_clusters);

  // Above it: K0 coarsened to max_vbx_cells / N = 10 by further dendrogram merges; the same three
  // speakers and the same assignment of every (chunk, speaker) pair.
  VbxClusteringConfig bounded = at_limit;
  bounded.max_exact_vbx_embeddings = 79;
  const VbxClusteringResult coarse = vbx_cluster_embeddings(segmentation, embeddings, 256, SpeakerBounds{}, plda, bounded);
  CHECK(coarse.vbx.num_speakers == 10);
  CHECK(coarse.auto_num_clusters == exact.auto_num_clusters);
  CHECK(same_partition(coarse.hard_clusters, exact.hard_clusters));
}
