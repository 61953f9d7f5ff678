// community-1 (pyannote.audio 4.0.7 VBx + PLDA) against every golden set found in
// $DIARIZE_SHARED/reference/community1/: a file is a set when it holds `segmentation` and
// `embeddings`, its cases are the `<case>/...` prefixes, so a set added later is tested without a
// code change. Every check below runs for every case; tolerances are stated where they are used.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "core/pipeline/golden_arrays.h"
#include "formats/plda_file.h"
#include "output/rttm.h"
#include "pipeline/chunking.h"
#include "pipeline/community1_pipeline.h"
#include "pipeline/reconstruction.h"
#include "pipeline/speaker_count.h"
#include "pipeline/upstream_arithmetic.h"

using namespace diarize;
using diarize::test::chunk_frames_from;
using diarize::test::shared_path;

namespace {

PldaTransform shared_plda() {
  const std::string dir = shared_path("models/plda");
  return make_plda_transform(read_plda(dir + "/xvec_transform.npz", dir + "/plda.npz"));
}

// Counts every comparison made, so that a case that silently compared nothing fails.
struct Checks {
  int made = 0;

  void exact(const std::string& what, const std::vector<int64_t>& got, const std::vector<int64_t>& want) {
    INFO(what);
    ++made;
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      INFO("index " << i);
      REQUIRE(got[i] == want[i]);
    }
  }

  // |got - want| <= abs, and |got - want| <= rel |want| where |want| >= rel_from; NaN only with NaN.
  // `signs` (one per column of a [rows, cols] array) flips columns before comparing.
  void close(const std::string& what, const std::vector<double>& got, const std::vector<double>& want, double abs,
             double rel = 0.0, double rel_from = 0.0, const std::vector<double>& signs = {}) {
    INFO(what);
    ++made;
    REQUIRE(got.size() == want.size());
    const size_t cols = signs.empty() ? 1 : signs.size();
    for (size_t i = 0; i < got.size(); ++i) {
      const double g = signs.empty() ? got[i] : got[i] * signs[i % cols];
      INFO("index " << i << ": got " << g << ", want " << want[i]);
      if (std::isnan(want[i])) {
        REQUIRE(std::isnan(g));
        continue;
      }
      const double diff = std::fabs(g - want[i]);
      REQUIRE(diff <= abs);
      if (rel > 0.0 && std::fabs(want[i]) >= rel_from) REQUIRE(diff <= rel * std::fabs(want[i]));
    }
  }
};

std::vector<double> to_f64(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }
std::vector<int64_t> to_i64(const std::vector<int>& v) { return std::vector<int64_t>(v.begin(), v.end()); }

// Per column of `got` [rows, cols]: +1 or -1, whichever makes it agree with `want` (PLDA
// directions have no defined sign; see plda_transform.h).
std::vector<double> column_signs(const std::vector<double>& got, const std::vector<double>& want, size_t cols) {
  std::vector<double> signs(cols, 1.0);
  for (size_t j = 0; j < cols; ++j) {
    double dot = 0.0;
    for (size_t i = j; i < got.size(); i += cols) dot += got[i] * want[i];
    signs[j] = dot < 0.0 ? -1.0 : 1.0;
  }
  return signs;
}

// Golden speaker-number encoding: -1 None, -2 inf; diarize's: 0 = not given.
int bound_of(int64_t golden) { return golden > 0 ? static_cast<int>(golden) : 0; }

struct GoldenSet {
  std::string path;
  std::string name;  // file stem after "community1_"
  SafetensorsFile file;
  std::vector<std::string> cases;
};

std::vector<GoldenSet> discover_sets() {
  namespace fs = std::filesystem;
  const std::string folder = shared_path("reference/community1");
  std::vector<GoldenSet> sets;
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".safetensors") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    SafetensorsFile file = read_safetensors(path);
    if (!file.find("segmentation") || !file.find("embeddings")) continue;
    GoldenSet set;
    set.path = path;
    set.name = fs::path(path).stem().string();
    std::set<std::string> cases;
    for (const TensorData& t : file.tensors)
      if (const size_t slash = t.name.find('/'); slash != std::string::npos) cases.insert(t.name.substr(0, slash));
    set.cases.assign(cases.begin(), cases.end());
    set.file = std::move(file);
    sets.push_back(std::move(set));
  }
  return sets;
}

// Everything the clustering computes before the speaker numbers matter (the same in every case).
void check_shared_intermediates(const SafetensorsFile& g, const VbxClusteringResult& r, Checks& checks) {
  checks.exact("train_chunk_idx", r.train_chunks, g.at("train_chunk_idx").to_i64());
  checks.exact("train_speaker_idx", r.train_speakers, g.at("train_speaker_idx").to_i64());
  if (r.early_return) return;
  checks.exact("ahc_clusters", r.ahc_clusters, g.at("ahc_clusters").to_i64());

  // PLDA features: 1e-9 absolute, up to the sign of each PLDA direction (values are O(1)).
  const std::vector<double> fea = g.at("fea").to_f64();
  const std::vector<double> signs = column_signs(r.features, fea, 128);
  checks.close("fea", r.features, fea, 1e-9, 0.0, 0.0, signs);
  if (const TensorData* xvec = g.find("plda_xvec")) {
    const std::vector<float> train = [&] {
      std::vector<float> rows;
      const std::vector<float> e = g.at("embeddings").to_f32();
      for (size_t i = 0; i < r.train_chunks.size(); ++i) {
        const size_t p = static_cast<size_t>(r.train_chunks[i] * 3 + r.train_speakers[i]);
        rows.insert(rows.end(), e.begin() + static_cast<int64_t>(p * 256), e.begin() + static_cast<int64_t>((p + 1) * 256));
      }
      return rows;
    }();
    checks.close("plda_xvec", plda_xvector(shared_plda(), train.data(), static_cast<int64_t>(r.train_chunks.size())),
                 xvec->to_f64(), 1e-9);
  }

  // VBx: responsibilities and priors 1e-9 absolute and, where >= 1e-6, 1e-9 relative; the number
  // of iterations exactly; the ELBO 1e-9 relative (it is a sum of thousands of logs).
  const int64_t k0 = r.vbx.num_speakers;
  std::vector<int64_t> kept_flags(static_cast<size_t>(k0), 0);
  for (const int64_t s : r.kept_speakers) kept_flags[static_cast<size_t>(s)] = 1;
  checks.exact("vbx_kept", kept_flags, g.at("vbx_kept").to_i64());
  checks.close("vbx_sp", r.vbx.pi, g.at("vbx_sp").to_f64(), 1e-9, 1e-9, 1e-6);
  std::vector<double> q_kept, alpha_kept, inv_l_kept;
  for (int64_t i = 0; i < r.vbx.num_points; ++i)
    for (const int64_t s : r.kept_speakers) q_kept.push_back(r.vbx.gamma[static_cast<size_t>(i * k0 + s)]);
  for (const int64_t s : r.kept_speakers)
    for (int64_t d = 0; d < 128; ++d) {
      alpha_kept.push_back(r.vbx.alpha[static_cast<size_t>(s * 128 + d)]);
      inv_l_kept.push_back(r.vbx.inv_l[static_cast<size_t>(s * 128 + d)]);
    }
  checks.close("vbx_q_kept", q_kept, g.at("vbx_q_kept").to_f64(), 1e-9, 1e-9, 1e-6);
  const std::vector<double> elbo = g.at("vbx_elbo").to_f64();
  checks.exact("VBx iterations", {static_cast<int64_t>(r.vbx.elbo.size())}, {static_cast<int64_t>(elbo.size())});
  checks.close("vbx_elbo", r.vbx.elbo, elbo, 1e-9 * std::fabs(elbo.back()));
  // The speaker model follows the PLDA directions' signs, like the features.
  checks.close("vbx_alpha_kept", alpha_kept, g.at("vbx_alpha_kept").to_f64(), 1e-9, 0.0, 0.0, signs);
  checks.close("vbx_invL_kept", inv_l_kept, g.at("vbx_invL_kept").to_f64(), 1e-9);
  checks.close("vbx_centroids", r.vbx_centroids, g.at("vbx_centroids").to_f64(), 1e-9);
}

void check_case(const GoldenSet& set, const std::string& name, const PldaTransform& plda, Checks& checks) {
  const SafetensorsFile& g = set.file;
  auto at = [&](const std::string& tensor) -> const TensorData& { return g.at(name + "/" + tensor); };
  INFO("set " << set.name << ", case " << name);
  const ChunkFrames segmentation = chunk_frames_from(g.at("segmentation"));
  const std::vector<float> embeddings = g.at("embeddings").to_f32();
  const std::vector<int64_t> args = at("apply_args").to_i64();
  JobOptions options;
  options.num_speakers = bound_of(args[0]);
  options.min_speakers = bound_of(args[1]);
  options.max_speakers = bound_of(args[2]);
  options.return_centroids = true;
  const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};

  const VbxClusteringResult r = vbx_cluster_embeddings(segmentation, embeddings, 256, bounds, plda);
  check_shared_intermediates(g, r, checks);
  checks.exact("early_return", {r.early_return ? 1 : 0}, at("early_return").to_i64());
  if (!r.early_return) {
    checks.exact("auto_num_clusters", {r.auto_num_clusters}, at("auto_num_clusters").to_i64());
    checks.exact("constrained", {r.constrained ? 1 : 0}, at("constrained").to_i64());
    checks.exact("kmeans_num_clusters", {r.kmeans_num_clusters}, at("kmeans_num_clusters").to_i64());
  }
  if (r.kmeans_num_clusters > 0) {
    // KMeans in float32: seeds and centres 1e-6 absolute (unit-norm data), labels and iterations
    // exactly, inertia 1e-5 relative (a float32 sum).
    std::vector<double> inits;
    for (const auto& seed : r.kmeans.inits) inits.insert(inits.end(), seed.begin(), seed.end());
    checks.close("kmeans_inits", inits, at("kmeans_inits").to_f64(), 1e-6);
    checks.exact("kmeans_labels", to_i64(r.kmeans.labels), at("kmeans_labels").to_i64());
    checks.close("kmeans_centers", to_f64(r.kmeans.centers), at("kmeans_centers").to_f64(), 1e-6);
    const double inertia = at("kmeans_inertia").to_f64()[0];
    checks.close("kmeans_inertia", {r.kmeans.inertia}, {inertia}, 1e-5 * std::fabs(inertia));
    checks.exact("kmeans_n_iter", {r.kmeans.n_iter}, at("kmeans_n_iter").to_i64());
  }

  // Centroids: 1e-9 after VBx (float64 means), 1e-6 after KMeans (float32 means); soft scores 1e-9
  // after VBx, 1e-6 after KMeans (cosines against float32 centroids).
  const double centroid_tol = r.kmeans_num_clusters > 0 ? 1e-6 : 1e-9;
  checks.close("centroids", r.centroids, at("centroids").to_f64(), centroid_tol);
  checks.close("soft_clusters", r.soft_clusters, at("soft_clusters").to_f64(), centroid_tol);
  if (const TensorData* raw = g.find(name + "/soft_clusters_raw")) {
    // Before the inactive rows were overwritten: 2 - cosine distance, 1e-9.
    std::vector<double> soft;
    for (int64_t p = 0; p < segmentation.num_chunks * 3; ++p)
      for (int64_t k = 0; k < r.num_clusters; ++k)
        soft.push_back(2.0 - cosine_distance(&embeddings[static_cast<size_t>(p * 256)],
                                             &r.centroids[static_cast<size_t>(k * 256)], 256));
    checks.close("soft_clusters_raw", soft, raw->to_f64(), 1e-9);
  }
  if (const TensorData* constant = g.find(name + "/const")) {
    // The floor score of inactive speakers (NaN when any embedding is NaN), 1e-9.
    REQUIRE(r.constrained);
    double lowest = INFINITY;
    for (int64_t p = 0; p < segmentation.num_chunks * 3; ++p)
      for (int64_t k = 0; k < r.num_clusters; ++k) {
        const double v = 2.0 - cosine_distance(&embeddings[static_cast<size_t>(p * 256)],
                                               &r.centroids[static_cast<size_t>(k * 256)], 256);
        lowest = std::isnan(v) || std::isnan(lowest) ? NAN : std::min(lowest, v);
      }
    checks.close("const", {lowest - 1.0}, constant->to_f64(), 1e-9);
  } else {
    REQUIRE_FALSE(r.constrained);
  }

  // Hard clusters exactly, in upstream's dtype (int8: constrained or early return; int64: argmax).
  checks.exact("hard_clusters_raw", to_i64(r.hard_clusters), at("hard_clusters_raw").to_i64());
  checks.exact("hard_clusters dtype int8", {r.hard_clusters_int8 ? 1 : 0},
               {at("hard_clusters_raw").dtype == DType::I8 ? 1 : 0});
  const std::vector<int> final_clusters = community1_final_clusters(segmentation, r);
  checks.exact("hard_clusters_final", to_i64(final_clusters), at("hard_clusters_final").to_i64());

  // Counting and the discrete diarizations on the receptive-field grid, exactly.
  const Community1Config config;
  const SpeakerCount count = speaker_count(segmentation, chunk_grid(config.chunking), config.frames);
  std::vector<int64_t> count_values(count.count.begin(), count.count.end());
  checks.exact("count", count_values, g.at("count").to_i64());
  checks.close("count_frames", {count.frames.start_s, count.frames.step_s, count.frames.duration_s},
               g.at("count_frames").to_f64(), 0.0);
  const int max_speakers = options.num_speakers ? options.num_speakers : options.max_speakers;
  const std::vector<int> capped = cap_count(count.count, max_speakers);
  const FrameSeries activations = padded_activations(
      clustered_activations(segmentation, final_clusters, chunk_grid(config.chunking), config.frames), capped);
  const FrameSeries discrete = discrete_diarization(activations, capped);
  checks.close("discrete_frames", {discrete.frames.start_s, discrete.frames.step_s, discrete.frames.duration_s},
               at("discrete_frames").to_f64(), 0.0);
  if (name == "default") {
    std::vector<int> at_most_one(capped);
    for (int& c : at_most_one) c = std::min(c, 1);
    checks.close("discrete", to_f64(discrete.values), at("discrete").to_f64(), 0.0);
    checks.close("discrete_exclusive", to_f64(discrete_diarization(activations, at_most_one).values),
                 at("discrete_exclusive").to_f64(), 0.0);
  }

  // The whole torch-free pipeline: labels, RTTMs line for line, speaker embeddings 1e-6.
  const std::string uri = g.metadata.at("uri");
  const std::string stem = set.path.substr(0, set.path.size() - std::string(".safetensors").size()) + "." + name;
  const std::string want_regular = test::read_text_file(stem + ".rttm");
  const std::string want_exclusive = test::read_text_file(stem + ".exclusive.rttm");
  const Diarization regular = diarize_community1(segmentation, embeddings, 256, options, plda);
  ++checks.made;
  CHECK(format_rttm(uri, regular) == want_regular);
  ++checks.made;
  CHECK(format_rttm(uri, regular, TurnSelection::kExclusive) == want_exclusive);
  std::string labels = "[";
  for (size_t i = 0; i < regular.labels.size(); ++i) labels += (i ? ", \"" : "\"") + regular.labels[i] + "\"";
  labels += "]";
  ++checks.made;
  CHECK(labels == g.metadata.at(name + "/labels"));
  std::vector<double> speaker_embeddings;
  for (const auto& centroid : regular.centroids) speaker_embeddings.insert(speaker_embeddings.end(), centroid.begin(), centroid.end());
  checks.close("speaker_embeddings", speaker_embeddings, at("speaker_embeddings").to_f64(), 1e-6);
}

}  // namespace

TEST_CASE("community-1 matches pyannote 4.0.7 on every golden set", "[community1][golden]") {
  const std::vector<GoldenSet> sets = discover_sets();
  INFO("sets found in reference/community1: " << sets.size());
  REQUIRE(sets.size() >= 8);
  const PldaTransform plda = shared_plda();
  for (const GoldenSet& set : sets) {
    REQUIRE_FALSE(set.cases.empty());
    for (const std::string& name : set.cases) {
      Checks checks;
      check_case(set, name, plda, checks);
      INFO("set " << set.name << ", case " << name << ": " << checks.made << " comparisons");
      // Every comparison of the path the case takes (fewer without training data, no VBx).
      const bool early = set.file.at(name + "/early_return").to_i64()[0] != 0;
      REQUIRE(checks.made >= (early ? 15 : 29));
    }
    std::printf("community1: %s: %zu case(s) checked\n", set.name.c_str(), set.cases.size());
  }
}

TEST_CASE("community-1 PLDA directions equal the ones upstream derives", "[community1][plda]") {
  // community1_plda_derived holds what 4.0.7's vbx_setup computes with LAPACK: the directions to
  // 1e-12 up to sign (they differ from the closed form by 1.5e-13), phi and psi to 1e-12 relative.
  const SafetensorsFile g = test::read_golden("community1/community1_plda_derived.safetensors");
  const PldaTransform plda = shared_plda();
  Checks checks;
  std::vector<double> transposed(plda.transform.size());  // rows as columns, for column_signs
  for (size_t i = 0; i < 128; ++i)
    for (size_t j = 0; j < 128; ++j) transposed[j * 128 + i] = plda.transform[i * 128 + j];
  const std::vector<double> want = g.at("plda_tr").to_f64();
  std::vector<double> want_t(want.size());
  for (size_t i = 0; i < 128; ++i)
    for (size_t j = 0; j < 128; ++j) want_t[j * 128 + i] = want[i * 128 + j];
  checks.close("plda_tr", transposed, want_t, 1e-12, 0.0, 0.0, column_signs(transposed, want_t, 128));
  checks.close("plda_mu", plda.mu, g.at("plda_mu").to_f64(), 0.0);
  checks.close("plda_psi", plda.phi, g.at("plda_psi").to_f64(), 1e-10, 1e-12, 0.0);
  checks.close("phi", plda.phi, g.at("phi").to_f64(), 1e-10, 1e-12, 0.0);
  CHECK(checks.made == 4);
}
