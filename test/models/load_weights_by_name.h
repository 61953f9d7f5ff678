// Test-only: golden TensorData → at::Tensor and a minimal by-name weight loader, shared by the model tests
// and the benchmarks. The product loader is models/import/state_dict_loader (branch `seg`), which should
// replace this one when the branches merge.
#pragma once

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "formats/safetensors.h"

namespace diarize::test {

inline at::Tensor to_tensor(const TensorData& data) {
  if (data.dtype == DType::I64) {
    std::vector<int64_t> values = data.to_i64();
    return at::from_blob(values.data(), data.shape, at::kLong).clone();
  }
  std::vector<float> values = data.to_f32();
  return at::from_blob(values.data(), data.shape, at::kFloat).clone();
}

// Copies every parameter and buffer of `module` from the tensor of the same name; throws when a name is
// missing, a shape differs, or the file holds tensors the module does not have.
inline void load_weights_by_name(torch::nn::Module& module, const SafetensorsFile& file) {
  at::NoGradGuard no_grad;
  size_t assigned = 0;
  auto assign = [&](const std::string& name, at::Tensor& target) {
    const at::Tensor source = to_tensor(file.at(name));
    if (source.sizes() != target.sizes())
      throw std::runtime_error("weight '" + name + "' has shape " + shape_to_string(file.at(name).shape));
    target.copy_(source);
    ++assigned;
  };
  for (auto& item : module.named_parameters()) assign(item.key(), item.value());
  for (auto& item : module.named_buffers()) assign(item.key(), item.value());
  if (assigned != file.tensors.size())
    throw std::runtime_error("weights file has " + std::to_string(file.tensors.size()) + " tensors, module takes " +
                             std::to_string(assigned));
}

}  // namespace diarize::test
