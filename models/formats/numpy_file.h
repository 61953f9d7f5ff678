// NumPy's own files: .npy (one array, format versions 1.0, 2.0 and 3.0) and .npz (a zip of .npy
// entries, stored by np.savez or deflated by np.savez_compressed). pyannote's community-1 PLDA
// ships as two .npz files. Only what such files hold is accepted: little-endian float32 or
// float64 in C order; Fortran order, big-endian and object arrays are refused with a reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/tensor_data.h"

namespace diarize {

// Limits against hostile files (a PLDA is ~260 KB).
struct NumpyLimits {
  size_t max_entry_bytes = size_t(256) << 20;  // per array, after inflating
  size_t max_entries = 64;
};

// Parses one .npy image. The result is named `name`. Throws FormatError mentioning `origin`.
TensorData parse_npy(const uint8_t* data, size_t size, const std::string& name, const std::string& origin);

// Parses an .npz image: every entry must be a valid "<name>.npy"; the tensors are named without
// the suffix, in archive order. Throws FormatError mentioning `origin`.
std::vector<TensorData> parse_npz(const uint8_t* data, size_t size, const std::string& origin,
                                  const NumpyLimits& limits = {});
std::vector<TensorData> read_npz(const std::string& path, const NumpyLimits& limits = {});

// True when the bytes start like a zip archive whose first entry is a .npy file (how model
// recognition tells an .npz from a PyTorch checkpoint, which is also a zip).
bool looks_like_npz(const uint8_t* data, size_t size);

}  // namespace diarize
