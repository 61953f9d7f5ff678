// .npy header parsing (a Python dict literal, parsed strictly) and .npz archives.
#include "formats/numpy_file.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "formats/safetensors.h"
#include "formats/zip_archive.h"

namespace diarize {

namespace {

// A strict reader for the header dict np.save writes, e.g.
//   {'descr': '<f8', 'fortran_order': False, 'shape': (256, 128), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, std::string where) : s_(text), where_(std::move(where)) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
  };

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      bool* seen = key == "descr" ? &seen_descr : key == "fortran_order" ? &seen_order : key == "shape" ? &seen_shape : nullptr;
      if (seen && *seen) throw fail("repeats '" + key + "'");
      if (seen) *seen = true;
      if (key == "descr") {
        h.descr = quoted();
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
      } else if (key == "shape") {
        h.shape = shape();
      } else {
        throw fail("has an unknown key '" + key + "'");
      }
      if (!separator('}', "is not a dict literal")) break;
    }
    expect('}');
    skip_space();
    if (pos_ != s_.size()) throw fail("has text after the dict");
    if (!seen_descr || !seen_order || !seen_shape) throw fail("lacks 'descr', 'fortran_order' or 'shape'");
    return h;
  }

 private:
  FormatError fail(const std::string& why) const { return FormatError(where_ + ": .npy header " + why); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
  }
  // After an item of the dict or the shape tuple: true when a comma follows (another item may
  // come), false at the closing bracket (left for expect()); anything else is malformed.
  bool separator(char close, const char* malformed) {
    skip_space();
    if (peek() == ',') {
      ++pos_;
      return true;
    }
    if (peek() != close) throw fail(malformed);
    return false;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) throw fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') throw fail("expected a quoted string");
    const size_t end = s_.find(q, pos_ + 1);
    if (end == std::string::npos) throw fail("has an unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    throw fail("has a 'fortran_order' that is neither True nor False");
  }
  std::vector<int64_t> shape() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) throw fail("has a shape that is not a tuple of integers");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) throw fail("has a dimension that is too large");
        v = v * 10 + (s_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs
      dims.push_back(v);
      if (dims.size() > 32) throw fail("has more than 32 dimensions");
      if (!separator(')', "has a malformed shape")) break;
    }
    expect(')');
    return dims;
  }

  const std::string& s_;
  std::string where_;
  size_t pos_ = 0;
};

uint32_t le_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TensorData parse_npy(const uint8_t* data, size_t size, const std::string& name, const std::string& origin) {
  const std::string where = origin + ": '" + name + "'";
  auto fail = [&](const std::string& why) { return FormatError(where + ": " + why); };
  static const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || !std::equal(kMagic, kMagic + 6, data)) throw fail("not a .npy array (bad magic)");
  const uint8_t major = data[6];
  size_t header_len = 0, prefix = 0;
  if (major == 1) {
    header_len = static_cast<size_t>(data[8]) | (static_cast<size_t>(data[9]) << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw fail("truncated .npy header");
    header_len = le_u32(data + 8);
    prefix = 12;
  } else {
    throw fail(".npy format version " + std::to_string(major) + " is not supported (1, 2 or 3)");
  }
  if (header_len > size - prefix) throw fail("truncated .npy header");
  // Version 3 allows UTF-8 in field names; the three keys numpy writes are ASCII either way.
  const std::string text(reinterpret_cast<const char*>(data + prefix), header_len);
  const HeaderParser::Header header = HeaderParser(text, where).parse();

  TensorData t;
  t.name = name;
  if (header.descr == "<f4") {
    t.dtype = DType::F32;
  } else if (header.descr == "<f8") {
    t.dtype = DType::F64;
  } else if (header.descr == ">f4" || header.descr == ">f8") {
    throw fail("big-endian arrays are not supported (dtype " + header.descr + ")");
  } else if (header.descr.find('O') != std::string::npos) {
    throw fail("object arrays are not supported (they are pickles)");
  } else {
    throw fail("dtype '" + header.descr + "' is not supported (little-endian float32 or float64 only)");
  }
  if (header.fortran_order) throw fail("Fortran-order arrays are not supported (C order only)");
  t.shape = header.shape;
  const size_t payload = size - prefix - header_len;
  const int64_t numel = checked_numel(t.shape, std::numeric_limits<int64_t>::max() / 8, where);
  const size_t expected = static_cast<size_t>(numel) * dtype_size(t.dtype);
  if (payload != expected)
    throw fail("holds " + std::to_string(payload) + " data bytes, its shape " + shape_to_string(t.shape) + " needs " +
               std::to_string(expected));
  t.bytes.assign(data + prefix + header_len, data + size);
  return t;
}

std::vector<TensorData> parse_npz(const uint8_t* data, size_t size, const std::string& origin,
                                  const NumpyLimits& limits) {
  const ZipArchive zip(data, size, origin);
  if (zip.entries().size() > limits.max_entries)
    throw FormatError(origin + ": .npz holds " + std::to_string(zip.entries().size()) + " entries (at most " +
                      std::to_string(limits.max_entries) + ")");
  std::vector<TensorData> tensors;
  for (const ZipEntry& entry : zip.entries()) {
    if (!ends_with(entry.name, ".npy") || entry.name.size() == 4)
      throw FormatError(origin + ": .npz entry '" + entry.name + "' is not a .npy array");
    const std::vector<uint8_t> bytes = zip.extract(entry, limits.max_entry_bytes);
    tensors.push_back(parse_npy(bytes.data(), bytes.size(), entry.name.substr(0, entry.name.size() - 4), origin));
  }
  return tensors;
}

std::vector<TensorData> read_npz(const std::string& path, const NumpyLimits& limits) {
  const std::vector<uint8_t> bytes = read_binary_file(path);
  return parse_npz(bytes.data(), bytes.size(), path, limits);
}

bool looks_like_npz(const uint8_t* data, size_t size) {
  // Local file header: signature, then name length at 26, extra length at 28, name at 30.
  if (size < 30 || le_u32(data) != 0x04034b50u) return false;
  const size_t name_len = static_cast<size_t>(data[26]) | (static_cast<size_t>(data[27]) << 8);
  if (name_len < 5 || 30 + name_len > size) return false;
  return ends_with(std::string(reinterpret_cast<const char*>(data + 30), name_len), ".npy");
}

}  // namespace diarize
