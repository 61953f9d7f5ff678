// VBx as pyannote.audio 4.0.7 runs it (utils/vbx.py: cluster_vbx → VBx, the HMM-free "GMM"
// variant of Landini et al.): variational Bayes over speaker models in the PLDA space, started
// from the AHC clusters. Responsibilities gamma [N, K0], speaker priors pi [K0], one ELBO per
// iteration. Memory is one N × K0 double matrix (512 MiB at N = K0 = 8192; docs/accuracy.md).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace diarize {

// C = A·B with A m×k, B k×n, C m×n, all row-major doubles (C overwritten).
using DenseMatmul = std::function<void(const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n)>;

struct VbxConfig {
  double fa = 0.07;             // Fa: sufficient-statistics scale (community-1)
  double fb = 0.8;              // Fb: speaker regularisation (community-1)
  int max_iters = 20;           // maxIters, hard-coded by VBxClustering
  double epsilon = 1e-4;        // stop when the ELBO gains less than this
  double init_smoothing = 7.0;  // gamma0 = softmax(7 · onehot(AHC cluster))
  int threads = 1;              // for the N × K0 products and exponentials
  // The two N × K0 × D products per iteration dominate; the engine hands them to LibTorch's BLAS
  // (or the accelerator). Empty: the built-in kernel (dense_matmul.h) with `threads`.
  DenseMatmul matmul;
};

struct VbxResult {
  int64_t num_points = 0;       // N
  int64_t num_speakers = 0;     // K0
  std::vector<double> gamma;    // [N, K0] responsibilities (q)
  std::vector<double> pi;       // [K0] speaker priors (sp)
  std::vector<double> elbo;     // one per iteration run
  std::vector<double> alpha;    // [K0, D] speaker means of the last iteration
  std::vector<double> inv_l;    // [K0, D] their variances
};

// `initial_clusters` [N] in 0..K0-1 (K0 = max + 1), `features` [N, dim] (PLDA space), `phi` [dim].
VbxResult cluster_vbx(const std::vector<int64_t>& initial_clusters, const std::vector<double>& features, int64_t dim,
                      const std::vector<double>& phi, const VbxConfig& config = {});

}  // namespace diarize
