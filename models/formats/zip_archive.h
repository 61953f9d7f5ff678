// Read-only view of a zip archive held in memory, as torch.save writes them (PyTorch >= 1.6):
// stored (uncompressed) entries, data aligned through local-header padding, ZIP64 records for
// large files; and as numpy writes .npz files (np.savez stores, np.savez_compressed deflates).
// Every offset and size is checked against the buffer before it is used.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace diarize {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;           // 0 = stored, 8 = deflated (extract() only)
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
};

// A borrowed byte range inside the archive's buffer.
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

class ZipArchive {
 public:
  // Parses the central directory of the archive in `data` (which must outlive this object).
  // Throws FormatError for anything that is not a well-formed zip.
  ZipArchive(const uint8_t* data, size_t size, std::string origin);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;
  // The bytes of a stored entry, CRC-checked. FormatError when the entry is missing,
  // compressed, encrypted, or its data lies outside the archive.
  ByteView read(const std::string& name) const;
  ByteView read(const ZipEntry& entry) const;
  // The same checks but the CRC, so the data is not touched (to look at sizes only).
  ByteView locate(const ZipEntry& entry) const;
  // A copy of a stored or deflated entry's bytes, CRC-checked. FormatError when the entry is
  // missing, encrypted, uses another method, declares more than `max_bytes`, or does not inflate
  // to exactly its declared size.
  std::vector<uint8_t> extract(const ZipEntry& entry, size_t max_bytes) const;
  const std::string& origin() const { return origin_; }

 private:
  // Where an entry's (stored or compressed) bytes lie; bounds and header checked, CRC not.
  ByteView entry_data(const ZipEntry& entry) const;

  const uint8_t* data_;
  size_t size_;
  std::string origin_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> index_;  // name -> position in entries_
};

// CRC-32 (IEEE 802.3, as zip uses it) of `size` bytes.
uint32_t zip_crc32(const uint8_t* data, size_t size);

}  // namespace diarize
