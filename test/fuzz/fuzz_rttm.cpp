// libFuzzer target: the RTTM reader must turn any text into turns or its documented
// std::runtime_error "<origin>:<line>: <reason>".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "output/rttm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    diarize::parse_rttm(in, "fuzz");
  } catch (const std::runtime_error&) {
  }
  return 0;
}
