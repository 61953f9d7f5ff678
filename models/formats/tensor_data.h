// Plain, LibTorch-free tensors as model-file parsers produce them: a name, a dtype, a shape and
// the raw little-endian bytes. Importers turn these into torch::Tensor; parsers and fuzzers never
// need LibTorch.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace diarize {

// Thrown for any malformed, truncated or hostile model or data file.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// What a parser takes out of a model file: the tensors' values, or only their names, dtypes and
// shapes (`bytes` left empty), which is all that recognising a model needs: its weights are
// never read then.
enum class TensorPayload { kValues, kShapesOnly };

// Bytes per element of `dtype`.
size_t dtype_size(DType dtype);
// The safetensors spelling ("F32", "I64", ...).
const char* dtype_name(DType dtype);
// Parses the safetensors spelling; throws FormatError for unknown names.
DType dtype_from_name(const std::string& name);

struct TensorData {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // numel() * dtype_size(dtype), little-endian

  int64_t numel() const;
  // The values converted to float32 / float64 / int64 (any numeric dtype is accepted).
  std::vector<float> to_f32() const;
  std::vector<double> to_f64() const;
  std::vector<int64_t> to_i64() const;

  static TensorData from_f32(std::string name, std::vector<int64_t> shape, const std::vector<float>& values);
  static TensorData from_f64(std::string name, std::vector<int64_t> shape, const std::vector<double>& values);
  static TensorData from_i64(std::string name, std::vector<int64_t> shape, const std::vector<int64_t>& values);
};

// How many of the values are NaN or infinite (0 for integer dtypes).
int64_t count_non_finite(const TensorData& tensor);

// Product of `shape`, or FormatError when a dimension is negative or the product exceeds `limit`.
int64_t checked_numel(const std::vector<int64_t>& shape, int64_t limit, const std::string& what);

std::string shape_to_string(const std::vector<int64_t>& shape);

// `error` as it is if its message already starts with "<path>:", else with that prefix: every
// model error names its file.
FormatError with_path(const std::string& path, const FormatError& error);

}  // namespace diarize
