// pyannote community-1's PLDA: two NumPy .npz files, `xvec_transform.npz` (mean1 [256], mean2 [128],
// lda [256, 128]: centring, LDA and re-centring of the 256-d embeddings) and `plda.npz` (mu [128],
// tr [128, 128], psi [128]: the PLDA model VBx works in). Each file is recognised by its content
// and checked in full (names, shapes, finite values, psi > 0) before anything uses it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/tensor_data.h"

namespace diarize {

// The dimensions community-1 uses (WeSpeaker ResNet34 embeddings, lda_dimension=128).
constexpr int64_t kPldaInputDim = 256;
constexpr int64_t kPldaLdaDim = 128;

enum class PldaPart { kTransform, kModel };
// "xvec_transform.npz" / "plda.npz": the file name pyannote gives each part.
const char* plda_part_file_name(PldaPart part);

// Which part the arrays of one .npz are, after every check; FormatError naming `path` and the
// offending array otherwise.
PldaPart check_plda_part(const std::vector<TensorData>& arrays, const std::string& path);

// Both parts, every value in double (float32 arrays are widened exactly, as numpy upcasts them).
struct PldaModel {
  std::vector<double> mean1;  // [256]
  std::vector<double> mean2;  // [128]
  std::vector<double> lda;    // [256, 128], row-major
  std::vector<double> mu;     // [128]
  std::vector<double> tr;     // [128, 128], row-major
  std::vector<double> psi;    // [128], all > 0
  std::string transform_path;
  std::string plda_path;
};

// Reads and checks both files; FormatError (the caller's exit 3) for anything malformed, and when
// a file holds the other part.
PldaModel read_plda(const std::string& transform_path, const std::string& plda_path);

}  // namespace diarize
