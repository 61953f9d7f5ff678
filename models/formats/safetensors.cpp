// safetensors parser and writer, hardened against hostile files (see test/fuzz/).
#include "formats/safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace diarize {

const TensorData* SafetensorsFile::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const TensorData& SafetensorsFile::at(const std::string& name) const {
  if (const TensorData* t = find(name)) return *t;
  throw FormatError(origin + ": tensor '" + name + "' is missing");
}

namespace {
constexpr uint64_t kMaxHeaderBytes = 100u << 20;
}

SafetensorsFile parse_safetensors(const uint8_t* data, size_t size, const std::string& origin,
                                  TensorPayload payload) {
  auto fail = [&](const std::string& why) { return FormatError(origin + ": not a valid safetensors file: " + why); };
  if (size < 8) throw fail("shorter than its 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | data[i];
  if (header_len > kMaxHeaderBytes || header_len > size - 8)
    throw fail("header length " + std::to_string(header_len) + " exceeds the file");
  const uint8_t* body = data + 8 + header_len;
  const size_t body_size = size - 8 - header_len;

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(data + 8, data + 8 + header_len);
  } catch (const std::exception&) {
    throw fail("header is not JSON");
  }
  if (!header.is_object()) throw fail("header is not a JSON object");

  SafetensorsFile file;
  file.origin = origin;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw fail("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw fail("__metadata__ value for '" + key + "' is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      throw fail("entry '" + name + "' lacks dtype, shape or data_offsets");
    const auto& dtype_json = entry["dtype"];
    const auto& shape_json = entry["shape"];
    const auto& offsets_json = entry["data_offsets"];
    if (!dtype_json.is_string() || !shape_json.is_array() || !offsets_json.is_array() || offsets_json.size() != 2 ||
        !offsets_json[0].is_number_unsigned() || !offsets_json[1].is_number_unsigned())
      throw fail("entry '" + name + "' is malformed");
    TensorData t;
    t.name = name;
    try {
      t.dtype = dtype_from_name(dtype_json.get<std::string>());
    } catch (const FormatError& e) {
      throw fail("entry '" + name + "': " + e.what());
    }
    if (shape_json.size() > 16) throw fail("entry '" + name + "' has too many dimensions");
    for (const auto& d : shape_json) {
      if (!d.is_number_unsigned()) throw fail("entry '" + name + "' has a non-integer dimension");
      const uint64_t v = d.get<uint64_t>();
      if (v > (uint64_t(1) << 40)) throw fail("entry '" + name + "' has an absurd dimension");
      t.shape.push_back(static_cast<int64_t>(v));
    }
    const uint64_t begin = offsets_json[0].get<uint64_t>();
    const uint64_t end = offsets_json[1].get<uint64_t>();
    if (begin > end || end > body_size)
      throw fail("entry '" + name + "' points outside the file (" + std::to_string(begin) + ".." +
                 std::to_string(end) + " of " + std::to_string(body_size) + " bytes)");
    const int64_t numel = checked_numel(t.shape, static_cast<int64_t>(body_size), origin + ": entry '" + name + "'");
    if (static_cast<uint64_t>(numel) * dtype_size(t.dtype) != end - begin)
      throw fail("entry '" + name + "' has " + std::to_string(end - begin) + " bytes for shape " +
                 shape_to_string(t.shape) + " of " + dtype_name(t.dtype));
    if (payload == TensorPayload::kValues) t.bytes.assign(body + begin, body + end);
    ranges.emplace_back(begin, end);
    file.tensors.push_back(std::move(t));
  }
  // Sort by offset (the JSON object order is not meaningful) and reject overlapping tensors.
  std::vector<size_t> order(file.tensors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a] < ranges[b]; });
  std::vector<TensorData> sorted;
  sorted.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && ranges[order[k]].first < ranges[order[k - 1]].second && ranges[order[k]].first != ranges[order[k]].second)
      throw fail("tensors '" + file.tensors[order[k - 1]].name + "' and '" + file.tensors[order[k]].name + "' overlap");
    sorted.push_back(std::move(file.tensors[order[k]]));
  }
  file.tensors = std::move(sorted);
  return file;
}

std::vector<uint8_t> read_binary_file(const std::string& path, size_t max_bytes) {
  check_model_file(path, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormatError(path + ": cannot open: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw FormatError(path + ": cannot determine its size");
  if (static_cast<uint64_t>(size) > max_bytes) throw FormatError(path + ": file is too large");
  in.seekg(0);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) throw FormatError(path + ": read error");
  return bytes;
}

SafetensorsFile read_safetensors(const std::string& path) {
  const MappedFile file(path);
  return parse_safetensors(file.data(), file.size(), path);
}

std::vector<uint8_t> serialize_safetensors(const std::vector<TensorData>& tensors,
                                           const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (t.bytes.size() != static_cast<size_t>(t.numel()) * dtype_size(t.dtype))
      throw std::invalid_argument("tensor '" + t.name + "' byte size does not match its shape");
    header[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  std::vector<uint8_t> out(8 + text.size() + offset);
  const uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(out.data() + 8, text.data(), text.size());
  uint8_t* p = out.data() + 8 + text.size();
  for (const auto& t : tensors) {
    if (!t.bytes.empty()) std::memcpy(p, t.bytes.data(), t.bytes.size());
    p += t.bytes.size();
  }
  return out;
}

}  // namespace diarize
