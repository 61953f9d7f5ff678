// safetensors read and write: diarize's canonical weight format, and the goldens' format.
// Layout: u64 little-endian header length, a JSON header, then the raw tensor bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/mapped_file.h"
#include "formats/tensor_data.h"

namespace diarize {

struct SafetensorsFile {
  std::vector<TensorData> tensors;  // in data-offset order
  std::map<std::string, std::string> metadata;

  const TensorData* find(const std::string& name) const;
  // Throws FormatError naming the file and the tensor when it is missing.
  const TensorData& at(const std::string& name) const;
  std::string origin;  // path or description, for error messages
};

// Parses a safetensors image held in memory. Never trusts a declared size: every offset and shape
// is checked against the buffer before anything is allocated.
SafetensorsFile parse_safetensors(const uint8_t* data, size_t size, const std::string& origin,
                                  TensorPayload payload = TensorPayload::kValues);
// Maps the file (formats/mapped_file.h) and parses it.
SafetensorsFile read_safetensors(const std::string& path);

std::vector<uint8_t> serialize_safetensors(const std::vector<TensorData>& tensors,
                                           const std::map<std::string, std::string>& metadata = {});
// Reads a whole regular file into memory; FormatError when it cannot be read, is not a regular
// file or exceeds `max_bytes` (formats/mapped_file.h's checks).
std::vector<uint8_t> read_binary_file(const std::string& path, size_t max_bytes = kMaxModelFileBytes);

}  // namespace diarize
