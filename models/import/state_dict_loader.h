// Copies named plain tensors (TensorData, from safetensors or an importer) into a torch::nn::Module's
// parameters and buffers by exact state_dict name. Generic: used for PyanNet and WeSpeaker ResNet34.
//
// Public API:
//   void load_state_dict(torch::nn::Module& module, const std::vector<TensorData>& tensors,
//                        const std::string& origin = "state dict");
// Strict like PyTorch's load_state_dict(strict=True): every parameter/buffer must be provided and
// every tensor must be used. Shape and dtype must match exactly. Errors are FormatError naming
// `origin` and the offending tensor(s).
#pragma once

#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "formats/tensor_data.h"

namespace diarize {

void load_state_dict(torch::nn::Module& module, const std::vector<TensorData>& tensors,
                     const std::string& origin = "state dict");

// A torch tensor (CPU, contiguous copy) from plain data; FormatError for dtypes LibTorch lacks.
at::Tensor tensor_from_data(const TensorData& data);

}  // namespace diarize
