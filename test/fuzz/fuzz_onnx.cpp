// libFuzzer target: the ONNX ModelProto reader must turn any input into a model or a FormatError.
#include <cstddef>
#include <cstdint>

#include "formats/onnx_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    diarize::parse_onnx(data, size, "fuzz");
  } catch (const diarize::FormatError&) {
  }
  return 0;
}
