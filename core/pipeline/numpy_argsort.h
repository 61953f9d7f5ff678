// numpy's default argsort (kind="quicksort", numpy <= 1.24 without SIMD dispatch): an introsort
// that is NOT stable above 16 elements, so ties come out in numpy's exact order only if we run
// the same algorithm. pyannote ranks clusters per frame (to_diarization) and dendrogram merges by
// |height - threshold| with it.
#pragma once

#include <cstdint>
#include <vector>

namespace diarize {

// Indices that sort `values` ascending; NaN sorts last, as in numpy.
std::vector<int64_t> numpy_argsort(const float* values, int64_t count);
std::vector<int64_t> numpy_argsort(const double* values, int64_t count);

}  // namespace diarize
