// libFuzzer target for NumPy files and the PLDA checks. The first byte picks what the rest is:
//   even: an .npz archive, through parse_npz (zip, inflate, .npy headers) and check_plda_part;
//   odd:  a bare .npy image, through parse_npy, so that mutations reach the header parser without
//         having to keep a zip's CRC-32 right.
// Any input must end in a result or a FormatError.
#include <cstddef>
#include <cstdint>

#include "formats/numpy_file.h"
#include "formats/plda_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool bare_npy = data[0] & 1;
  ++data;
  --size;
  try {
    if (bare_npy) {
      diarize::parse_npy(data, size, "a", "fuzz");
    } else {
      diarize::NumpyLimits limits;
      limits.max_entry_bytes = size_t(16) << 20;
      diarize::check_plda_part(diarize::parse_npz(data, size, "fuzz", limits), "fuzz");
    }
  } catch (const diarize::FormatError&) {
  }
  return 0;
}
