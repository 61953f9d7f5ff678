// Model and data files opened safely: regular files only (a FIFO or device named as a model
// would block or never end), at most 2 GiB (no real model comes near; a huge file must not cost
// its size in memory before it is refused), mapped read-only rather than copied, so a parser
// touches only the pages it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace diarize {

inline constexpr uint64_t kMaxModelFileBytes = uint64_t(2) << 30;

// Throws FormatError "<path>: <reason>" unless `path` is a readable regular file of at most
// `max_bytes`: a folder, FIFO, device or socket is refused without opening it for reading.
// Returns its size in bytes.
uint64_t check_model_file(const std::string& path, uint64_t max_bytes = kMaxModelFileBytes);

class MappedFile {
 public:
  // check_model_file, then a private read-only mapping (an empty file maps to size 0).
  explicit MappedFile(const std::string& path, uint64_t max_bytes = kMaxModelFileBytes);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return static_cast<const uint8_t*>(map_); }
  size_t size() const { return size_; }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
};

}  // namespace diarize
