// VBx's feature space (pyannote.audio 4.0.7 core/plda.py and utils/vbx.py::vbx_setup): the
// embeddings are centred, length-normalised, projected by the LDA and normalised again (the
// "x-vector transform"), then rotated into the PLDA space where the within-speaker covariance is
// the identity and the across-speaker one is diagonal (phi).
#pragma once

#include <cstdint>
#include <vector>

#include "formats/plda_file.h"

namespace diarize {

struct PldaTransform {
  int64_t input_dim = 0;          // 256
  int64_t lda_dim = 0;            // 128
  std::vector<double> mean1;      // [input_dim]
  std::vector<double> mean2;      // [lda_dim]
  std::vector<double> lda;        // [input_dim, lda_dim]
  std::vector<double> mu;         // [lda_dim]
  std::vector<double> transform;  // [lda_dim, lda_dim]: rows are the PLDA directions, by descending phi
  std::vector<double> phi;        // [lda_dim]: across-speaker variances, descending (VBx's Phi)
};

// Upstream solves the generalised eigenproblem eigh(B, W) with W = inv(trᵀ tr) and
// B = inv((trᵀ / psi) tr), and reverses it to descending order. For an invertible tr that problem's
// solution is known in closed form: tr W trᵀ = I and tr B trᵀ = diag(psi), so the eigenvalues are
// psi and the W-normalised eigenvectors are the rows of tr. This takes them directly (rows sorted
// by descending psi, stably) instead of running LAPACK: the same space up to each direction's sign,
// which LAPACK leaves arbitrary and VBx ignores (it only uses products, squares and phi). Against
// the values upstream derives, the difference is 1.5e-13 (community1_plda_derived.safetensors).
PldaTransform make_plda_transform(const PldaModel& model);

// xvec_tf: [n, lda_dim] from n float32 embeddings of input_dim.
std::vector<double> plda_xvector(const PldaTransform& plda, const float* embeddings, int64_t n);

// PLDA(embeddings) = plda_tf(xvec_tf(embeddings))[:, :lda_dim]: VBx's input, [n, lda_dim].
std::vector<double> plda_features(const PldaTransform& plda, const float* embeddings, int64_t n);

}  // namespace diarize
