// Conversions for the plain tensors that model-file parsers produce.
#include "formats/tensor_data.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace diarize {

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    case DType::I8: case DType::U8: case DType::BOOL: return 1;
  }
  return 1;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F64: return "F64";
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::I16: return "I16";
    case DType::I8: return "I8";
    case DType::U8: return "U8";
    case DType::BOOL: return "BOOL";
  }
  return "?";
}

DType dtype_from_name(const std::string& name) {
  static const std::pair<const char*, DType> table[] = {
      {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
      {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},
      {"U8", DType::U8},   {"BOOL", DType::BOOL}};
  for (const auto& [spelling, dtype] : table)
    if (name == spelling) return dtype;
  throw FormatError("unsupported dtype '" + name + "'");
}

int64_t TensorData::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      mantissa &= 0x3ff;
      bits = sign | (exponent << 23) | (mantissa << 13);
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename Out>
std::vector<Out> convert(const TensorData& t) {
  const int64_t n = t.numel();
  const size_t size = dtype_size(t.dtype);
  if (t.bytes.size() != static_cast<size_t>(n) * size)
    throw FormatError("tensor '" + t.name + "' holds " + std::to_string(t.bytes.size()) +
                      " bytes, its shape needs " + std::to_string(static_cast<size_t>(n) * size));
  std::vector<Out> out(static_cast<size_t>(n));
  const uint8_t* p = t.bytes.data();
  for (int64_t i = 0; i < n; ++i, p += size) {
    switch (t.dtype) {
      case DType::F64: out[i] = static_cast<Out>(load<double>(p)); break;
      case DType::F32: out[i] = static_cast<Out>(load<float>(p)); break;
      case DType::F16: out[i] = static_cast<Out>(half_to_float(load<uint16_t>(p))); break;
      case DType::BF16: {
        const uint32_t bits = static_cast<uint32_t>(load<uint16_t>(p)) << 16;
        out[i] = static_cast<Out>(load<float>(reinterpret_cast<const uint8_t*>(&bits)));
        break;
      }
      case DType::I64: out[i] = static_cast<Out>(load<int64_t>(p)); break;
      case DType::I32: out[i] = static_cast<Out>(load<int32_t>(p)); break;
      case DType::I16: out[i] = static_cast<Out>(load<int16_t>(p)); break;
      case DType::I8: out[i] = static_cast<Out>(load<int8_t>(p)); break;
      case DType::U8: case DType::BOOL: out[i] = static_cast<Out>(*p); break;
    }
  }
  return out;
}

template <typename T>
TensorData make(std::string name, DType dtype, std::vector<int64_t> shape, const std::vector<T>& values) {
  TensorData t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (static_cast<int64_t>(values.size()) != t.numel())
    throw std::invalid_argument("tensor '" + t.name + "': " + std::to_string(values.size()) +
                                " values for shape " + shape_to_string(t.shape));
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

}  // namespace

std::vector<float> TensorData::to_f32() const { return convert<float>(*this); }
std::vector<double> TensorData::to_f64() const { return convert<double>(*this); }
std::vector<int64_t> TensorData::to_i64() const { return convert<int64_t>(*this); }

TensorData TensorData::from_f32(std::string name, std::vector<int64_t> shape, const std::vector<float>& values) {
  return make(std::move(name), DType::F32, std::move(shape), values);
}
TensorData TensorData::from_f64(std::string name, std::vector<int64_t> shape, const std::vector<double>& values) {
  return make(std::move(name), DType::F64, std::move(shape), values);
}
TensorData TensorData::from_i64(std::string name, std::vector<int64_t> shape, const std::vector<int64_t>& values) {
  return make(std::move(name), DType::I64, std::move(shape), values);
}

int64_t count_non_finite(const TensorData& tensor) {
  if (tensor.dtype != DType::F32 && tensor.dtype != DType::F64 && tensor.dtype != DType::F16 && tensor.dtype != DType::BF16)
    return 0;
  int64_t count = 0;
  for (const double v : tensor.to_f64()) count += !std::isfinite(v);
  return count;
}

int64_t checked_numel(const std::vector<int64_t>& shape, int64_t limit, const std::string& what) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw FormatError(what + ": negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && n > limit / d) throw FormatError(what + ": shape " + shape_to_string(shape) + " is absurdly large");
    n *= d;
  }
  if (n > limit) throw FormatError(what + ": shape " + shape_to_string(shape) + " is absurdly large");
  return n;
}

FormatError with_path(const std::string& path, const FormatError& error) {
  const std::string message = error.what();
  if (message.compare(0, path.size() + 1, path + ":") == 0) return error;
  return FormatError(path + ": " + message);
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace diarize
