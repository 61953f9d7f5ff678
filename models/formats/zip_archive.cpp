// Zip reader for PyTorch checkpoints and numpy .npz files: central directory, local headers and
// ZIP64 extensions, hardened against hostile archives (see test/fuzz/). Deflate (zlib, raw
// inflate) only for extract(): torch.save stores its entries uncompressed, np.savez_compressed
// deflates them (docs/models.md).
#include "formats/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>

#include "formats/tensor_data.h"

namespace diarize {

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr uint32_t kZip64EndOfCentralDirSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndOfCentralDirBytes = 22;
constexpr size_t kZip64LocatorBytes = 20;
constexpr size_t kZip64EndOfCentralDirBytes = 56;
constexpr size_t kCentralHeaderBytes = 46;
constexpr size_t kLocalHeaderBytes = 30;
constexpr uint16_t kZip64ExtraId = 0x0001;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return le16(p) | (static_cast<uint32_t>(le16(p + 2)) << 16); }
uint64_t le64(const uint8_t* p) { return le32(p) | (static_cast<uint64_t>(le32(p + 4)) << 32); }

// True when [offset, offset + length) lies inside a buffer of `size` bytes (overflow-safe).
bool in_bounds(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

const std::array<uint32_t, 256>& crc_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

}  // namespace

uint32_t zip_crc32(const uint8_t* data, size_t size) {
  const auto& table = crc_table();
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

ZipArchive::ZipArchive(const uint8_t* data, size_t size, std::string origin)
    : data_(data), size_(size), origin_(std::move(origin)) {
  auto fail = [&](const std::string& why) { return FormatError(origin_ + ": not a valid zip archive: " + why); };
  if (size_ < kEndOfCentralDirBytes) throw fail("too short (" + std::to_string(size_) + " bytes)");

  // The end-of-central-directory record sits at the end, followed by a comment of at most 64 KiB.
  size_t eocd = SIZE_MAX;
  const size_t lowest = size_ > kEndOfCentralDirBytes + 0xffff ? size_ - kEndOfCentralDirBytes - 0xffff : 0;
  for (size_t pos = size_ - kEndOfCentralDirBytes + 1; pos-- > lowest;) {
    if (le32(data_ + pos) == kEndOfCentralDirSig &&
        pos + kEndOfCentralDirBytes + le16(data_ + pos + 20) == size_) {
      eocd = pos;
      break;
    }
  }
  if (eocd == SIZE_MAX) throw fail("no end-of-central-directory record");

  uint64_t num_entries = le16(data_ + eocd + 10);
  uint64_t cd_size = le32(data_ + eocd + 12);
  uint64_t cd_offset = le32(data_ + eocd + 16);
  if (le16(data_ + eocd + 4) != 0 || le16(data_ + eocd + 6) != 0 || le16(data_ + eocd + 8) != num_entries)
    throw fail("multi-disk archives are not supported");
  if (num_entries == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu) {
    // ZIP64: the real counts live in a ZIP64 end record, found through the locator just before.
    if (eocd < kZip64LocatorBytes || le32(data_ + eocd - kZip64LocatorBytes) != kZip64LocatorSig)
      throw fail("ZIP64 values without a ZIP64 locator");
    const uint8_t* locator = data_ + eocd - kZip64LocatorBytes;
    const uint64_t record = le64(locator + 8);
    if (!in_bounds(record, kZip64EndOfCentralDirBytes, eocd - kZip64LocatorBytes) ||
        le32(data_ + record) != kZip64EndOfCentralDirSig)
      throw fail("ZIP64 end record is missing or outside the file");
    const uint8_t* r = data_ + record;
    if (le32(r + 16) != 0 || le32(r + 20) != 0 || le64(r + 24) != le64(r + 32))
      throw fail("multi-disk archives are not supported");
    num_entries = le64(r + 32);
    cd_size = le64(r + 40);
    cd_offset = le64(r + 48);
  }
  if (!in_bounds(cd_offset, cd_size, eocd)) throw fail("central directory lies outside the file");
  if (num_entries > cd_size / kCentralHeaderBytes)
    throw fail(std::to_string(num_entries) + " entries cannot fit a " + std::to_string(cd_size) +
               "-byte central directory");

  entries_.reserve(static_cast<size_t>(num_entries));
  const uint8_t* cd = data_ + cd_offset;
  uint64_t pos = 0;
  for (uint64_t i = 0; i < num_entries; ++i) {
    if (!in_bounds(pos, kCentralHeaderBytes, cd_size) || le32(cd + pos) != kCentralHeaderSig)
      throw fail("central directory entry " + std::to_string(i) + " is malformed");
    const uint8_t* h = cd + pos;
    ZipEntry e;
    e.flags = le16(h + 8);
    e.method = le16(h + 10);
    e.crc32 = le32(h + 16);
    e.compressed_size = le32(h + 20);
    e.uncompressed_size = le32(h + 24);
    const uint16_t name_len = le16(h + 28);
    const uint16_t extra_len = le16(h + 30);
    const uint16_t comment_len = le16(h + 32);
    const uint16_t disk = le16(h + 34);
    e.local_header_offset = le32(h + 42);
    const uint64_t variable = uint64_t(name_len) + extra_len + comment_len;
    if (!in_bounds(pos + kCentralHeaderBytes, variable, cd_size))
      throw fail("central directory entry " + std::to_string(i) + " runs past the directory");
    e.name.assign(reinterpret_cast<const char*>(h + kCentralHeaderBytes), name_len);

    // ZIP64 extra field: 64-bit values for exactly those fields that hold their 0xFF.. marker.
    const uint8_t* extra = h + kCentralHeaderBytes + name_len;
    for (size_t x = 0; x + 4 <= extra_len;) {
      const uint16_t id = le16(extra + x);
      const uint16_t len = le16(extra + x + 2);
      if (x + 4 + len > extra_len) throw fail("extra field of '" + e.name + "' runs past its header");
      if (id == kZip64ExtraId) {
        const uint8_t* v = extra + x + 4;
        size_t left = len;
        auto take = [&](uint64_t& field) {
          if (left < 8) throw fail("ZIP64 extra field of '" + e.name + "' is too short");
          field = le64(v);
          v += 8;
          left -= 8;
        };
        if (e.uncompressed_size == 0xffffffffu) take(e.uncompressed_size);
        if (e.compressed_size == 0xffffffffu) take(e.compressed_size);
        if (e.local_header_offset == 0xffffffffu) take(e.local_header_offset);
      }
      x += 4 + len;
    }
    if (disk != 0 && disk != 0xffff) throw fail("multi-disk archives are not supported");
    if (!in_bounds(e.local_header_offset, kLocalHeaderBytes, cd_offset))
      throw fail("entry '" + e.name + "' has its header outside the file");
    if (!index_.emplace(e.name, entries_.size()).second) throw fail("entry '" + e.name + "' appears twice");
    entries_.push_back(std::move(e));
    pos += kCentralHeaderBytes + variable;
  }
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

ByteView ZipArchive::read(const std::string& name) const {
  const ZipEntry* e = find(name);
  if (!e) throw FormatError(origin_ + ": zip entry '" + name + "' is missing");
  return read(*e);
}

ByteView ZipArchive::read(const ZipEntry& e) const {
  const ByteView view = locate(e);
  if (zip_crc32(view.data, view.size) != e.crc32)
    throw FormatError(origin_ + ": zip entry '" + e.name + "' fails its CRC-32 check (corrupt file)");
  return view;
}

ByteView ZipArchive::locate(const ZipEntry& e) const {
  auto fail = [&](const std::string& why) { return FormatError(origin_ + ": zip entry '" + e.name + "' " + why); };
  if (e.method != 0)
    throw fail("is compressed (method " + std::to_string(e.method) +
               "); only stored entries, as torch.save writes them, are supported");
  return entry_data(e);
}

ByteView ZipArchive::entry_data(const ZipEntry& e) const {
  auto fail = [&](const std::string& why) { return FormatError(origin_ + ": zip entry '" + e.name + "' " + why); };
  if (e.flags & 0x1) throw fail("is encrypted");
  if (e.method == 0 && e.compressed_size != e.uncompressed_size) throw fail("is stored but its two sizes differ");
  if (!in_bounds(e.local_header_offset, kLocalHeaderBytes, size_)) throw fail("has its header outside the file");
  const uint8_t* h = data_ + e.local_header_offset;
  if (le32(h) != kLocalHeaderSig) throw fail("has no local header");
  // The local header's own name and extra lengths decide where the data starts: torch pads
  // the local extra field so that tensor data is 64-byte aligned, the central one is not.
  const uint64_t start = e.local_header_offset + kLocalHeaderBytes + le16(h + 26) + le16(h + 28);
  if (!in_bounds(start, e.compressed_size, size_)) throw fail("has data outside the file");
  return ByteView{data_ + start, static_cast<size_t>(e.compressed_size)};
}

std::vector<uint8_t> ZipArchive::extract(const ZipEntry& e, size_t max_bytes) const {
  auto fail = [&](const std::string& why) { return FormatError(origin_ + ": zip entry '" + e.name + "' " + why); };
  if (e.method != 0 && e.method != 8)
    throw fail("uses compression method " + std::to_string(e.method) + "; only stored and deflated entries are supported");
  if (e.uncompressed_size > max_bytes)
    throw fail("declares " + std::to_string(e.uncompressed_size) + " bytes, more than the " + std::to_string(max_bytes) +
               " allowed");
  const ByteView packed = entry_data(e);
  std::vector<uint8_t> out;
  if (e.method == 0) {
    out.assign(packed.data, packed.data + packed.size);
  } else {
    // Raw deflate (no zlib header), inflated into a buffer of exactly the declared size: a stream
    // that wants to write more, or ends early, is corrupt (or a decompression bomb).
    out.resize(static_cast<size_t>(e.uncompressed_size));
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw fail("cannot be inflated (zlib initialisation failed)");
    uint8_t spare = 0;
    const uint8_t* in = packed.data;
    size_t in_left = packed.size;
    uint8_t* dst = out.data();
    size_t out_left = out.size();
    int rc = Z_OK;
    while (rc == Z_OK) {
      // zlib counts in uInt: feed and drain in pieces below 4 GiB.
      const uInt in_now = static_cast<uInt>(std::min<size_t>(in_left, UINT_MAX));
      const bool full = out_left == 0;  // one more byte of room shows whether the stream goes on
      const uInt out_now = full ? 1 : static_cast<uInt>(std::min<size_t>(out_left, UINT_MAX));
      z.next_in = const_cast<Bytef*>(in);
      z.avail_in = in_now;
      z.next_out = full ? &spare : dst;
      z.avail_out = out_now;
      rc = inflate(&z, Z_NO_FLUSH);
      const size_t consumed = in_now - z.avail_in, produced = out_now - z.avail_out;
      in += consumed;
      in_left -= consumed;
      if (full && produced > 0) {
        inflateEnd(&z);
        throw fail("inflates to more than its declared " + std::to_string(e.uncompressed_size) + " bytes");
      }
      if (!full) {
        dst += produced;
        out_left -= produced;
      }
      if (rc == Z_OK && consumed == 0 && produced == 0) rc = Z_BUF_ERROR;  // no progress: truncated
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) throw fail("is not a valid deflate stream (truncated or corrupt)");
    if (out_left != 0)
      throw fail("inflates to " + std::to_string(out.size() - out_left) + " bytes, not its declared " +
                 std::to_string(e.uncompressed_size));
  }
  if (zip_crc32(out.data(), out.size()) != e.crc32) throw fail("fails its CRC-32 check (corrupt file)");
  return out;
}

}  // namespace diarize
