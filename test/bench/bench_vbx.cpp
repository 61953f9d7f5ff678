// Speed and memory of community-1's clustering at scale (docs/benchmarks.md, "community-1
// clustering"): VBx alone in its worst case (AHC leaves every embedding alone, K0 = N), and the whole
// VBxClustering on synthetic embeddings. KERNEL is how VBx multiplies: `builtin` (dense_matmul.h, what
// the LibTorch-free tests use) or `torch` (LibTorch's BLAS, what the engine uses). Not a test:
//   build/bin/bench_vbx vbx N THREADS KERNEL [MAX_ITERS] [K0]   VBx on random PLDA features, K0 = N
//                                                               unless given (point i starts in i % K0)
//   build/bin/bench_vbx clustering N SPEAKERS THREADS KERNEL [MAX_CELLS]   filter+AHC+PLDA+VBx+assignment
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <ATen/Parallel.h>

#include "engine/torch_matmul.h"
#include "formats/plda_file.h"
#include "pipeline/plda_transform.h"
#include "pipeline/vbx.h"
#include "pipeline/vbx_clustering.h"

using namespace diarize;

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// User + system CPU seconds of this process (the development machine is shared: wall time
// depends on the other jobs, CPU time much less).
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string shared() {
  const char* env = std::getenv("DIARIZE_SHARED");
  return env && *env ? env : "../shared";
}

DenseMatmul kernel(const std::string& name, int threads) {
  if (name == "builtin") return {};
  at::set_num_threads(threads);
  return torch_dense_matmul(c10::Device(c10::kCPU));
}

int bench_vbx(int64_t n, int threads, const std::string& kernel_name, int max_iters, int64_t k0) {
  const int64_t dim = 128;
  std::mt19937 rng(1);
  std::normal_distribution<double> normal;
  std::vector<double> features(static_cast<size_t>(n * dim));
  for (double& v : features) v = normal(rng);
  std::vector<double> phi(static_cast<size_t>(dim));
  for (int64_t d = 0; d < dim; ++d) phi[static_cast<size_t>(d)] = 25.0 * std::exp(-0.03 * static_cast<double>(d));
  std::vector<int64_t> init(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) init[static_cast<size_t>(i)] = k0 > 0 ? i % k0 : i;
  VbxConfig config;
  config.threads = threads;
  config.matmul = kernel(kernel_name, threads);
  if (max_iters > 0) config.max_iters = max_iters;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  const VbxResult r = cluster_vbx(init, features, dim, phi, config);
  const double s = seconds(t0), cpu = cpu_seconds() - c0;
  std::printf("vbx N=%lld K0=%lld threads=%d %s: wall %.1f s, CPU %.1f s for %zu iterations (CPU %.2f s each), peak RSS %.0f MB\n",
              static_cast<long long>(n), static_cast<long long>(k0 > 0 ? k0 : n), threads, kernel_name.c_str(), s, cpu, r.elbo.size(), cpu / static_cast<double>(r.elbo.size()),
              peak_rss_mb());
  return 0;
}

int bench_clustering(int64_t n, int speakers, int threads, const std::string& kernel_name, int64_t max_cells) {
  // N chunks with one speaker each, active on 300 of 589 frames (all training pairs); embeddings
  // are noisy copies of `speakers` directions, noisy enough that AHC at 0.6 keeps most alone.
  const int64_t dim = 256, frames = 589;
  ChunkFrames segmentation(n, frames, 3, 0.0f);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t f = 0; f < 300; ++f) segmentation.at(c, f, 0) = 1.0f;
  std::mt19937 rng(2);
  std::normal_distribution<float> normal;
  std::vector<float> directions(static_cast<size_t>(speakers * dim));
  for (float& v : directions) v = normal(rng);
  std::vector<float> embeddings(static_cast<size_t>(n * 3 * dim), NAN);
  for (int64_t c = 0; c < n; ++c) {
    const int64_t k = c % speakers;
    for (int64_t d = 0; d < dim; ++d)
      embeddings[static_cast<size_t>(c * 3 * dim + d)] = directions[static_cast<size_t>(k * dim + d)] + 0.9f * normal(rng);
  }
  const std::string dir = shared() + "/models/plda";
  const PldaTransform plda = make_plda_transform(read_plda(dir + "/xvec_transform.npz", dir + "/plda.npz"));
  VbxClusteringConfig config;
  config.vbx.threads = threads;
  config.vbx.matmul = kernel(kernel_name, threads);
  if (max_cells > 0) config.max_vbx_cells = max_cells;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  const VbxClusteringResult r = vbx_cluster_embeddings(segmentation, embeddings, dim, SpeakerBounds{}, plda, config);
  const double s = seconds(t0), cpu = cpu_seconds() - c0;
  int64_t ahc = 0;
  for (const int64_t a : r.ahc_clusters) ahc = std::max(ahc, a + 1);
  std::printf("clustering N=%lld speakers=%d threads=%d %s: wall %.1f s, CPU %.1f s, AHC start %lld clusters, VBx %zu iterations, "
              "%lld kept, peak RSS %.0f MB\n",
              static_cast<long long>(n), speakers, threads, kernel_name.c_str(), s, cpu, static_cast<long long>(ahc), r.vbx.elbo.size(),
              static_cast<long long>(r.auto_num_clusters), peak_rss_mb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "vbx" && argc >= 5 && argc <= 7)
    return bench_vbx(std::atoll(argv[2]), std::atoi(argv[3]), argv[4], argc >= 6 ? std::atoi(argv[5]) : 0,
                     argc == 7 ? std::atoll(argv[6]) : 0);
  if (mode == "clustering" && (argc == 6 || argc == 7))
    return bench_clustering(std::atoll(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), argv[5],
                            argc == 7 ? std::atoll(argv[6]) : 0);
  std::fprintf(stderr, "usage: bench_vbx vbx N THREADS KERNEL [MAX_ITERS [K0]] | clustering N SPEAKERS THREADS KERNEL [MAX_CELLS]\n");
  return 2;
}
