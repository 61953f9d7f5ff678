// ONNX ModelProto reader over the raw protobuf wire format (field numbers from onnx/onnx.proto3).
// Hardened for hostile files: see the header. Unknown fields are skipped by wire type, so newer
// ONNX producers still parse.
#include "formats/onnx_model.h"

#include <cstddef>
#include <cstring>
#include <unordered_set>

#include "formats/mapped_file.h"

namespace diarize {

const OnnxAttribute* OnnxNode::attribute(const std::string& attribute_name) const {
  for (const auto& a : attributes)
    if (a.name == attribute_name) return &a;
  return nullptr;
}

const TensorData* OnnxGraph::initializer(const std::string& initializer_name) const {
  for (const auto& t : initializers)
    if (t.name == initializer_name) return &t;
  return nullptr;
}

const std::string* OnnxModel::metadata(const std::string& key) const {
  for (const auto& [k, v] : metadata_props)
    if (k == key) return &v;
  return nullptr;
}

namespace {

// Subgraphs (If/Loop bodies) nest graphs inside attributes inside nodes; real models nest a few
// levels, a hostile file could nest until the stack overflows.
constexpr int kMaxGraphDepth = 8;
// No tensor diarize reads is near this; it bounds `checked_numel` for typed (non-raw) data.
constexpr int64_t kMaxElements = int64_t(1) << 32;
// Each node costs a few hundred bytes in memory for as little as 2 bytes of file; this bounds the
// amplification a hostile file can cause (real models have thousands of nodes).
constexpr size_t kMaxNodesPerGraph = 1000000;

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// One protobuf message's bytes [pos, end). Sub-messages are new Readers over a checked sub-range.
class Reader {
 public:
  Reader(const uint8_t* begin, const uint8_t* end, const std::string& origin, TensorPayload payload)
      : pos_(begin), end_(end), origin_(origin), payload_(payload) {}

  TensorPayload payload() const { return payload_; }

  bool done() const { return pos_ >= end_; }

  FormatError error(const std::string& why) const {
    return FormatError(origin_ + ": not a valid ONNX model: " + why);
  }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= end_) throw error("truncated varint");
      const uint8_t byte = *pos_++;
      // The tenth byte may only contribute the top bit.
      if (shift == 63 && (byte & 0x7e)) throw error("varint overflows 64 bits");
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    throw error("varint longer than 10 bytes");
  }

  // Reads a field key; returns false at the end of the message.
  bool next(uint32_t& field, uint32_t& wire) {
    if (done()) return false;
    const uint64_t key = varint();
    field = static_cast<uint32_t>(key >> 3);
    wire = static_cast<uint32_t>(key & 7);
    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) throw error("invalid field number");
    return true;
  }

  // A length-delimited payload, bounds-checked against what remains.
  std::pair<const uint8_t*, size_t> bytes() {
    const uint64_t length = varint();
    if (length > static_cast<uint64_t>(end_ - pos_))
      throw error("declared length " + std::to_string(length) + " exceeds the " +
                  std::to_string(end_ - pos_) + " bytes that remain");
    const uint8_t* start = pos_;
    pos_ += length;
    return {start, static_cast<size_t>(length)};
  }

  std::string string() {
    auto [p, n] = bytes();
    return std::string(reinterpret_cast<const char*>(p), n);
  }

  Reader sub() {
    auto [p, n] = bytes();
    return Reader(p, p + n, origin_, payload_);
  }

  // A little-endian fixed-width value (protobuf wire types 5 and 1).
  template <typename T>
  T fixed() {
    if (end_ - pos_ < static_cast<std::ptrdiff_t>(sizeof(T))) throw error("truncated fixed-width field");
    T v = 0;
    for (int i = sizeof(T) - 1; i >= 0; --i) v = static_cast<T>((v << 8) | pos_[i]);
    pos_ += sizeof(T);
    return v;
  }
  uint32_t fixed32() { return fixed<uint32_t>(); }
  uint64_t fixed64() { return fixed<uint64_t>(); }

  void skip(uint32_t wire) {
    switch (wire) {
      case kVarint: varint(); return;
      case kFixed64: fixed64(); return;
      case kLengthDelimited: bytes(); return;
      case kFixed32: fixed32(); return;
      default: throw error("unsupported wire type " + std::to_string(wire));
    }
  }

  void expect(uint32_t wire, uint32_t wanted, const char* field_name) const {
    if (wire != wanted) throw error(std::string("field '") + field_name + "' has the wrong wire type");
  }

  // A repeated varint field: packed (one length-delimited run) or one element per key.
  template <typename T>
  void repeated_varint(uint32_t wire, std::vector<T>& out, const char* field_name) {
    if (wire == kVarint) {
      out.push_back(static_cast<T>(varint()));
      return;
    }
    expect(wire, kLengthDelimited, field_name);
    Reader packed = sub();
    while (!packed.done()) out.push_back(static_cast<T>(packed.varint()));
  }

  // A repeated fixed-width field (float: 4 bytes, double: 8), packed or not.
  template <typename T>
  void repeated_fixed(uint32_t wire, std::vector<T>& out, const char* field_name) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    const uint32_t single = sizeof(T) == 4 ? kFixed32 : kFixed64;
    if (wire == single) {
      const uint64_t bits = sizeof(T) == 4 ? fixed32() : fixed64();
      T v;
      std::memcpy(&v, &bits, sizeof(T));  // little-endian host assumed, like the rest of diarize
      out.push_back(v);
      return;
    }
    expect(wire, kLengthDelimited, field_name);
    auto [p, n] = bytes();
    if (n % sizeof(T)) throw error(std::string("packed field '") + field_name + "' length is not a multiple of " +
                                   std::to_string(sizeof(T)));
    const size_t old = out.size();
    out.resize(old + n / sizeof(T));
    if (n) std::memcpy(out.data() + old, p, n);
  }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
  const std::string& origin_;
  TensorPayload payload_;
};

// TensorProto.DataType → DType, or false for types diarize cannot hold (strings, unsigned > 8 bit).
bool onnx_dtype(int64_t data_type, DType& out) {
  switch (data_type) {
    case 1: out = DType::F32; return true;
    case 2: out = DType::U8; return true;
    case 3: out = DType::I8; return true;
    case 5: out = DType::I16; return true;
    case 6: out = DType::I32; return true;
    case 7: out = DType::I64; return true;
    case 9: out = DType::BOOL; return true;
    case 10: out = DType::F16; return true;
    case 11: out = DType::F64; return true;
    case 16: out = DType::BF16; return true;
    default: return false;
  }
}

template <typename T>
void append_le(std::vector<uint8_t>& bytes, T value) {
  const size_t old = bytes.size();
  bytes.resize(old + sizeof(T));
  std::memcpy(bytes.data() + old, &value, sizeof(T));
}

TensorData parse_tensor(Reader r) {
  TensorData t;
  std::vector<int64_t> dims;
  int64_t data_type = 0;
  const uint8_t* raw = nullptr;
  size_t raw_size = 0;
  bool has_raw = false;
  bool external = false;
  std::vector<float> float_data;
  std::vector<int64_t> int32_data;  // int32_data holds the small ints, bools and 16-bit floats
  std::vector<int64_t> int64_data;
  std::vector<double> double_data;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    switch (field) {
      case 1: r.repeated_varint(wire, dims, "dims"); break;
      case 2: r.expect(wire, kVarint, "data_type"); data_type = static_cast<int64_t>(r.varint()); break;
      case 4: r.repeated_fixed(wire, float_data, "float_data"); break;
      case 5: r.repeated_varint(wire, int32_data, "int32_data"); break;
      case 7: r.repeated_varint(wire, int64_data, "int64_data"); break;
      case 8: r.expect(wire, kLengthDelimited, "name"); t.name = r.string(); break;
      case 9: {
        r.expect(wire, kLengthDelimited, "raw_data");
        auto [p, n] = r.bytes();
        raw = p;
        raw_size = n;
        has_raw = true;
        break;
      }
      case 10: r.repeated_fixed(wire, double_data, "double_data"); break;
      case 13: r.expect(wire, kLengthDelimited, "external_data"); r.skip(wire); external = true; break;
      case 14: r.expect(wire, kVarint, "data_location"); if (r.varint() == 1) external = true; break;
      case 6: case 11: throw r.error("tensor '" + t.name + "' holds string or uint64 data, which diarize does not support");
      default: r.skip(wire);
    }
  }
  const std::string what = "tensor '" + t.name + "'";
  if (external)
    throw r.error(what + " stores its data in an external file; diarize needs a self-contained .onnx "
                  "(re-save it with onnx.save(model, path, save_as_external_data=False))");
  if (!onnx_dtype(data_type, t.dtype))
    throw r.error(what + " has unsupported data_type " + std::to_string(data_type));
  t.shape = dims;
  const int64_t numel = checked_numel(dims, kMaxElements, what);
  const size_t element = dtype_size(t.dtype);
  if (has_raw) {
    if (raw_size / element != static_cast<uint64_t>(numel) || raw_size % element)
      throw r.error(what + ": raw_data holds " + std::to_string(raw_size) + " bytes, shape " +
                    shape_to_string(dims) + " needs " + std::to_string(numel) + " x " + std::to_string(element));
    if (r.payload() == TensorPayload::kValues) t.bytes.assign(raw, raw + raw_size);
    return t;
  }
  auto check_count = [&](size_t count) {
    if (count != static_cast<uint64_t>(numel))
      throw r.error(what + " holds " + std::to_string(count) + " values, shape " + shape_to_string(dims) +
                    " needs " + std::to_string(numel));
  };
  // numel is now proven equal to a count of values already in memory, so these reserves are safe.
  switch (t.dtype) {
    case DType::F32:
      check_count(float_data.size());
      t.bytes.resize(float_data.size() * 4);
      if (!float_data.empty()) std::memcpy(t.bytes.data(), float_data.data(), t.bytes.size());
      break;
    case DType::F64:
      check_count(double_data.size());
      t.bytes.resize(double_data.size() * 8);
      if (!double_data.empty()) std::memcpy(t.bytes.data(), double_data.data(), t.bytes.size());
      break;
    case DType::I64:
      check_count(int64_data.size());
      for (int64_t v : int64_data) append_le<int64_t>(t.bytes, v);
      break;
    default:
      check_count(int32_data.size());
      t.bytes.reserve(int32_data.size() * element);
      for (int64_t v : int32_data) {
        switch (t.dtype) {
          case DType::I32: append_le<int32_t>(t.bytes, static_cast<int32_t>(v)); break;
          case DType::I16: append_le<int16_t>(t.bytes, static_cast<int16_t>(v)); break;
          case DType::F16: case DType::BF16: append_le<uint16_t>(t.bytes, static_cast<uint16_t>(v)); break;
          case DType::I8: append_le<int8_t>(t.bytes, static_cast<int8_t>(v)); break;
          default: append_le<uint8_t>(t.bytes, static_cast<uint8_t>(v)); break;  // U8, BOOL
        }
      }
  }
  return t;
}

OnnxGraph parse_graph(Reader r, int depth);

OnnxAttribute parse_attribute(Reader r, int depth) {
  OnnxAttribute a;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    switch (field) {
      case 1: r.expect(wire, kLengthDelimited, "attribute name"); a.name = r.string(); break;
      case 2: {
        std::vector<float> one;
        r.repeated_fixed(wire, one, "f");
        if (one.size() != 1) throw r.error("attribute field 'f' is not a single float");
        a.f = one[0];
        break;
      }
      case 3: r.expect(wire, kVarint, "i"); a.i = static_cast<int64_t>(r.varint()); break;
      case 4: r.expect(wire, kLengthDelimited, "s"); a.s = r.string(); break;
      case 5: r.expect(wire, kLengthDelimited, "t"); a.tensors.insert(a.tensors.begin(), parse_tensor(r.sub())); break;
      case 6: r.expect(wire, kLengthDelimited, "g"); a.graphs.insert(a.graphs.begin(), parse_graph(r.sub(), depth + 1)); break;
      case 7: r.repeated_fixed(wire, a.floats, "floats"); break;
      case 8: r.repeated_varint(wire, a.ints, "ints"); break;
      case 9: r.expect(wire, kLengthDelimited, "strings"); a.strings.push_back(r.string()); break;
      case 10: r.expect(wire, kLengthDelimited, "tensors"); a.tensors.push_back(parse_tensor(r.sub())); break;
      case 11: r.expect(wire, kLengthDelimited, "graphs"); a.graphs.push_back(parse_graph(r.sub(), depth + 1)); break;
      case 20: r.expect(wire, kVarint, "type"); a.type = static_cast<int>(r.varint() & 0xff); break;
      default: r.skip(wire);
    }
  }
  return a;
}

OnnxNode parse_node(Reader r, int depth) {
  OnnxNode n;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    switch (field) {
      case 1: r.expect(wire, kLengthDelimited, "node input"); n.inputs.push_back(r.string()); break;
      case 2: r.expect(wire, kLengthDelimited, "node output"); n.outputs.push_back(r.string()); break;
      case 3: r.expect(wire, kLengthDelimited, "node name"); n.name = r.string(); break;
      case 4: r.expect(wire, kLengthDelimited, "op_type"); n.op_type = r.string(); break;
      case 5: r.expect(wire, kLengthDelimited, "attribute"); n.attributes.push_back(parse_attribute(r.sub(), depth)); break;
      case 7: r.expect(wire, kLengthDelimited, "domain"); n.domain = r.string(); break;
      default: r.skip(wire);
    }
  }
  return n;
}

// ValueInfoProto: only the name matters to diarize.
std::string parse_value_info_name(Reader r) {
  std::string name;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    if (field == 1) {
      r.expect(wire, kLengthDelimited, "value name");
      name = r.string();
    } else {
      r.skip(wire);
    }
  }
  return name;
}

OnnxGraph parse_graph(Reader r, int depth) {
  if (depth > kMaxGraphDepth) throw r.error("subgraphs nested deeper than " + std::to_string(kMaxGraphDepth));
  OnnxGraph g;
  std::unordered_set<std::string> initializer_names;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    switch (field) {
      case 1:
        r.expect(wire, kLengthDelimited, "node");
        if (g.nodes.size() == kMaxNodesPerGraph) throw r.error("more than " + std::to_string(kMaxNodesPerGraph) + " nodes");
        g.nodes.push_back(parse_node(r.sub(), depth));
        break;
      case 2: r.expect(wire, kLengthDelimited, "graph name"); g.name = r.string(); break;
      case 5: {
        r.expect(wire, kLengthDelimited, "initializer");
        TensorData t = parse_tensor(r.sub());
        // Which copy a reader would use is anyone's guess: refuse rather than pick one.
        if (!initializer_names.insert(t.name).second) throw r.error("initializer '" + t.name + "' appears twice");
        g.initializers.push_back(std::move(t));
        break;
      }
      case 11: r.expect(wire, kLengthDelimited, "graph input"); g.inputs.push_back(parse_value_info_name(r.sub())); break;
      case 12: r.expect(wire, kLengthDelimited, "graph output"); g.outputs.push_back(parse_value_info_name(r.sub())); break;
      case 15: throw r.error("sparse initializers are not supported");
      default: r.skip(wire);
    }
  }
  return g;
}

std::pair<std::string, std::string> parse_string_pair(Reader r) {
  std::pair<std::string, std::string> kv;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    if (field == 1) { r.expect(wire, kLengthDelimited, "key"); kv.first = r.string(); }
    else if (field == 2) { r.expect(wire, kLengthDelimited, "value"); kv.second = r.string(); }
    else r.skip(wire);
  }
  return kv;
}

std::pair<std::string, int64_t> parse_opset(Reader r) {
  std::pair<std::string, int64_t> opset{"", 0};
  uint32_t field, wire;
  while (r.next(field, wire)) {
    if (field == 1) { r.expect(wire, kLengthDelimited, "opset domain"); opset.first = r.string(); }
    else if (field == 2) { r.expect(wire, kVarint, "opset version"); opset.second = static_cast<int64_t>(r.varint()); }
    else r.skip(wire);
  }
  return opset;
}

}  // namespace

OnnxModel parse_onnx(const uint8_t* data, size_t size, const std::string& origin, TensorPayload payload) {
  OnnxModel model;
  model.origin = origin;
  if (data == nullptr || size == 0) throw FormatError(origin + ": not a valid ONNX model: empty file");
  Reader r(data, data + size, model.origin, payload);
  bool has_ir = false, has_graph = false;
  uint32_t field, wire;
  while (r.next(field, wire)) {
    switch (field) {
      case 1: r.expect(wire, kVarint, "ir_version"); model.ir_version = static_cast<int64_t>(r.varint()); has_ir = true; break;
      case 2: r.expect(wire, kLengthDelimited, "producer_name"); model.producer_name = r.string(); break;
      case 3: r.expect(wire, kLengthDelimited, "producer_version"); model.producer_version = r.string(); break;
      case 7:
        r.expect(wire, kLengthDelimited, "graph");
        if (has_graph) throw r.error("more than one graph");
        model.graph = parse_graph(r.sub(), 0);
        has_graph = true;
        break;
      case 8: r.expect(wire, kLengthDelimited, "opset_import"); model.opset_import.push_back(parse_opset(r.sub())); break;
      case 14: r.expect(wire, kLengthDelimited, "metadata_props"); model.metadata_props.push_back(parse_string_pair(r.sub())); break;
      default: r.skip(wire);
    }
  }
  // Random bytes can happen to be valid protobuf; a ModelProto always has both of these.
  if (!has_ir || !has_graph) throw r.error(has_ir ? "no graph" : "no ir_version");
  return model;
}

OnnxModel read_onnx(const std::string& path) {
  const MappedFile file(path);
  return parse_onnx(file.data(), file.size(), path);
}

}  // namespace diarize
