// Format dispatch from a model file to its pyannote state dict: one read, one parse.
#include "import/state_dict_reader.h"

#include "formats/mapped_file.h"
#include "formats/onnx_model.h"
#include "formats/pytorch_checkpoint.h"
#include "formats/safetensors.h"
#include "import/embedding_onnx_import.h"
#include "import/segmentation_onnx_import.h"

namespace diarize {

namespace {

// A NaN or infinite weight turns every output of the network into NaN, which the pipeline reads
// as "nobody speaks": a damaged file must be a model error, not an empty result. Checked on the
// state dict, after any dequantisation, so every format and the int8 scales are covered.
void require_finite(const std::vector<TensorData>& tensors, const std::string& path) {
  for (const TensorData& t : tensors) {
    const int64_t bad = count_non_finite(t);
    if (bad > 0)
      throw FormatError(path + ": tensor '" + t.name + "' holds " + std::to_string(bad) + " NaN or infinite value" +
                        (bad == 1 ? "" : "s") + " out of " + std::to_string(t.numel()) + ": the model file is damaged");
  }
}

ModelStateDict read_mapped_state_dict(const std::string& path) {
  const MappedFile mapped(path);
  const uint8_t* data = mapped.data();
  const size_t size = mapped.size();
  ModelStateDict result;
  switch (sniff_model_container(data, size, path)) {
    case ModelContainer::kSafetensors: {
      SafetensorsFile file = parse_safetensors(data, size, path);
      result.description = describe_state_dict(file.tensors, file.metadata, ModelFormat::kSafetensors, path);
      result.tensors = std::move(file.tensors);
      break;
    }
    case ModelContainer::kPytorchZip: {
      PyTorchCheckpoint file = parse_pytorch_checkpoint(data, size, path);
      result.description = describe_state_dict(file.tensors, file.metadata, ModelFormat::kPytorchCheckpoint, path);
      result.tensors = std::move(file.tensors);
      break;
    }
    case ModelContainer::kNumpyZip:
      throw FormatError(path + ": a PLDA .npz file, not a network's weights");
    case ModelContainer::kOnnx: {
      const OnnxModel model = parse_onnx(data, size, path);
      result.description = describe_onnx(model, path);
      result.tensors = result.description.role == ModelRole::kSegmentation ? segmentation_state_dict_from_onnx(model)
                                                                           : embedding_state_dict_from_onnx(model);
      break;
    }
  }
  require_finite(result.tensors, path);
  return result;
}

}  // namespace

ModelStateDict read_model_state_dict(const std::string& path) {
  try {
    return read_mapped_state_dict(path);
  } catch (const FormatError& e) {
    throw with_path(path, e);
  }
}

std::vector<TensorData> read_state_dict_of_role(const std::string& path, ModelRole expected) {
  ModelStateDict model = read_model_state_dict(path);
  if (model.description.role != expected)
    throw FormatError(path + ": " + role_with_article(model.description.role) + ", not " + role_with_article(expected));
  return std::move(model.tensors);
}

}  // namespace diarize
