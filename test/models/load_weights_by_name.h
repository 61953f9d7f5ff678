// Test-only shorthands over the product loader (models/import/state_dict_loader.h): golden
// TensorData → at::Tensor, and loading a safetensors state dict into a module by name.
#pragma once

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "formats/safetensors.h"
#include "import/state_dict_loader.h"

namespace diarize::test {

inline at::Tensor to_tensor(const TensorData& data) { return tensor_from_data(data); }

inline void load_weights_by_name(torch::nn::Module& module, const SafetensorsFile& file) {
  load_state_dict(module, file.tensors, file.origin);
}

}  // namespace diarize::test
