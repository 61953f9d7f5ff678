// SHA-256 of files, for `diarize models info` (no crypto library dependency for one hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace diarize {

std::string sha256_hex(const uint8_t* data, size_t size);
// Streams the file; throws FormatError when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace diarize
