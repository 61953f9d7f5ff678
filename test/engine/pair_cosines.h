// Cosine per (chunk, speaker) embedding pair between two [chunks, speakers, dim] arrays: the fast-mode
// fidelity measure of issue #6, shared by the fidelity test and the fast_fidelity tool.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace diarize::test {

// Pairs that `reference` computed (its inactive pairs are NaN rows) in row order; a NaN or zero row
// in `other` counts as -1, a failure under any threshold.
inline std::vector<double> pair_cosines(const std::vector<float>& reference, const std::vector<float>& other,
                                        int64_t dim) {
  std::vector<double> cosines;
  for (size_t row = 0; row + static_cast<size_t>(dim) <= reference.size(); row += static_cast<size_t>(dim)) {
    if (std::isnan(reference[row])) continue;
    double dot = 0.0, rr = 0.0, oo = 0.0;
    for (size_t k = 0; k < static_cast<size_t>(dim); ++k) {
      const double r = reference[row + k], o = other[row + k];
      dot += r * o;
      rr += r * r;
      oo += o * o;
    }
    const double cosine = dot / std::sqrt(rr * oo);
    cosines.push_back(std::isnan(cosine) ? -1.0 : cosine);
  }
  return cosines;
}

}  // namespace diarize::test
