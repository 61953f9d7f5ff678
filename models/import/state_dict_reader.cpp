// Format dispatch from a recognised model file to its pyannote state dict.
#include "import/state_dict_reader.h"

#include "formats/onnx_model.h"
#include "formats/pytorch_checkpoint.h"
#include "formats/safetensors.h"
#include "import/embedding_onnx_import.h"
#include "import/segmentation_onnx_import.h"

namespace diarize {

ModelStateDict read_model_state_dict(const std::string& path) {
  ModelStateDict result;
  result.description = recognise_model(path);
  switch (result.description.format) {
    case ModelFormat::kSafetensors:
      result.tensors = read_safetensors(path).tensors;
      break;
    case ModelFormat::kOnnxFp32:
    case ModelFormat::kOnnxInt8: {
      const OnnxModel model = read_onnx(path);
      result.tensors = result.description.role == ModelRole::kSegmentation ? segmentation_state_dict_from_onnx(model)
                                                                           : embedding_state_dict_from_onnx(model);
      break;
    }
    case ModelFormat::kPytorchCheckpoint:
      result.tensors = read_pytorch_checkpoint(path).tensors;
      break;
  }
  return result;
}

}  // namespace diarize
