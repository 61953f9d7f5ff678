// Reads any supported model file into pyannote-named plain tensors, LibTorch-free: safetensors as
// stored, ONNX through the graph importers. Used by the network loaders and `models convert`.
#pragma once

#include <string>
#include <vector>

#include "formats/model_recognition.h"
#include "formats/tensor_data.h"

namespace diarize {

struct ModelStateDict {
  ModelDescription description;
  std::vector<TensorData> tensors;  // pyannote state-dict names
};

// Reads and parses the file once. Throws FormatError for unreadable or unknown files, and for a
// weight that is NaN or infinite (in any format; int8 files after dequantisation).
ModelStateDict read_model_state_dict(const std::string& path);
// The same, for a model of the `expected` role (FormatError naming both roles otherwise).
std::vector<TensorData> read_state_dict_of_role(const std::string& path, ModelRole expected);

}  // namespace diarize
