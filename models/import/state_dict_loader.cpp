// Strict, name-exact state_dict loading into LibTorch modules.
#include "import/state_dict_loader.h"

#include <map>
#include <torch/torch.h>

namespace diarize {

namespace {

at::ScalarType scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I16: return at::kShort;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::BOOL: return at::kBool;
  }
  throw FormatError("unknown dtype");
}

}  // namespace

at::Tensor tensor_from_data(const TensorData& data) {
  const at::ScalarType type = scalar_type(data.dtype);
  if (data.bytes.size() != static_cast<size_t>(data.numel()) * dtype_size(data.dtype))
    throw FormatError("tensor '" + data.name + "': " + std::to_string(data.bytes.size()) + " bytes do not fit shape " +
                      shape_to_string(data.shape));
  at::Tensor t = torch::empty(data.shape, torch::TensorOptions().dtype(type));
  if (!data.bytes.empty()) std::memcpy(t.data_ptr(), data.bytes.data(), data.bytes.size());
  return t;
}

void load_state_dict(torch::nn::Module& module, const std::vector<TensorData>& tensors, const std::string& origin) {
  std::map<std::string, at::Tensor> targets;
  for (const auto& item : module.named_parameters(/*recurse=*/true))
    if (item.value().defined()) targets[item.key()] = item.value();
  for (const auto& item : module.named_buffers(/*recurse=*/true))
    if (item.value().defined()) targets[item.key()] = item.value();

  std::map<std::string, const TensorData*> provided;
  std::string unexpected;
  for (const auto& t : tensors) {
    if (!provided.emplace(t.name, &t).second) throw FormatError(origin + ": tensor '" + t.name + "' appears twice");
    if (!targets.count(t.name)) unexpected += (unexpected.empty() ? "" : ", ") + t.name;
  }
  std::string missing;
  for (const auto& [name, target] : targets)
    if (!provided.count(name)) missing += (missing.empty() ? "" : ", ") + name;
  if (!missing.empty() || !unexpected.empty())
    throw FormatError(origin + ": weights do not fit the network" + (missing.empty() ? "" : "; missing: " + missing) +
                      (unexpected.empty() ? "" : "; unexpected: " + unexpected));

  torch::NoGradGuard no_grad;
  try {
  for (const auto& [name, target] : targets) {
    const TensorData& source = *provided.at(name);
    if (std::vector<int64_t>(target.sizes().begin(), target.sizes().end()) != source.shape)
      throw FormatError(origin + ": tensor '" + name + "' has shape " + shape_to_string(source.shape) +
                        ", the network needs " + shape_to_string(target.sizes().vec()));
    if (scalar_type(source.dtype) != target.scalar_type())
      throw FormatError(origin + ": tensor '" + name + "' is " + dtype_name(source.dtype) + ", the network needs " +
                        std::string(c10::toString(target.scalar_type())));
    target.copy_(tensor_from_data(source));
  }
  } catch (const FormatError& e) {
    throw with_path(origin, e);
  }
}

}  // namespace diarize
