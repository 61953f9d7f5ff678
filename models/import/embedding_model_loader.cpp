// Embedding-model loading by content: safetensors, ONNX, PyTorch checkpoint.
#include "import/embedding_model_loader.h"

#include "formats/onnx_model.h"
#include "formats/safetensors.h"
#include "import/embedding_onnx_import.h"
#include "import/state_dict_loader.h"

namespace diarize {

std::vector<TensorData> read_embedding_state_dict(const std::string& path) {
  const std::vector<uint8_t> bytes = read_binary_file(path);
  if (bytes.size() >= 9 && bytes[8] == '{') return parse_safetensors(bytes.data(), bytes.size(), path).tensors;
  if (!bytes.empty() && bytes[0] == 0x08) return embedding_state_dict_from_onnx(parse_onnx(bytes.data(), bytes.size(), path));
  throw FormatError(path + ": not a safetensors or ONNX speaker-embedding model");
}

WeSpeakerResNet34 load_embedding_model(const std::string& path) {
  WeSpeakerResNet34 model;
  load_state_dict(*model, read_embedding_state_dict(path), path);
  model->eval();
  return model;
}

}  // namespace diarize
