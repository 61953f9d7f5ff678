// Format dispatch from a model file to its pyannote state dict: one read, one parse.
#include "import/state_dict_reader.h"

#include "formats/onnx_model.h"
#include "formats/pytorch_checkpoint.h"
#include "formats/safetensors.h"
#include "import/embedding_onnx_import.h"
#include "import/segmentation_onnx_import.h"

namespace diarize {

ModelStateDict read_model_state_dict(const std::string& path) {
  const std::vector<uint8_t> bytes = read_binary_file(path);
  ModelStateDict result;
  switch (sniff_model_container(bytes, path)) {
    case ModelContainer::kSafetensors: {
      SafetensorsFile file = parse_safetensors(bytes.data(), bytes.size(), path);
      result.description = describe_state_dict(file.tensors, file.metadata, ModelFormat::kSafetensors, path);
      result.tensors = std::move(file.tensors);
      break;
    }
    case ModelContainer::kPytorchZip: {
      PyTorchCheckpoint file = parse_pytorch_checkpoint(bytes.data(), bytes.size(), path);
      result.description = describe_state_dict(file.tensors, file.metadata, ModelFormat::kPytorchCheckpoint, path);
      result.tensors = std::move(file.tensors);
      break;
    }
    case ModelContainer::kNumpyZip:
      throw FormatError(path + ": a PLDA .npz file, not a network's weights");
    case ModelContainer::kOnnx: {
      const OnnxModel model = parse_onnx(bytes.data(), bytes.size(), path);
      result.description = describe_onnx(model, path);
      result.tensors = result.description.role == ModelRole::kSegmentation ? segmentation_state_dict_from_onnx(model)
                                                                           : embedding_state_dict_from_onnx(model);
      break;
    }
  }
  return result;
}

std::vector<TensorData> read_state_dict_of_role(const std::string& path, ModelRole expected) {
  ModelStateDict model = read_model_state_dict(path);
  if (model.description.role != expected)
    throw FormatError(path + ": " + role_with_article(model.description.role) + ", not " + role_with_article(expected));
  return std::move(model.tensors);
}

}  // namespace diarize
