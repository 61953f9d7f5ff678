// TEST-ONLY: .npy images laid out as np.save writes them (magic, version, header length, a dict
// padded with spaces to a multiple of 64 and a newline, then the raw data), for the npz tests, the
// CLI tests and the fuzz seeds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace diarize::test {

inline std::vector<uint8_t> make_npy(const std::string& descr, const std::string& shape, const std::vector<uint8_t>& data,
                                     int version = 1, const std::string& fortran_order = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran_order + ", 'shape': " + shape + ", }";
  const size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  const std::string magic = "\x93NUMPY";
  std::vector<uint8_t> out(magic.begin(), magic.end());
  out.push_back(static_cast<uint8_t>(version));
  out.push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace diarize::test
