// libFuzzer target: the safetensors parser must turn any input into a result or a FormatError.
#include <cstddef>
#include <cstdint>

#include "formats/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    diarize::parse_safetensors(data, size, "fuzz");
  } catch (const diarize::FormatError&) {
  }
  return 0;
}
