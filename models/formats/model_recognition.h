// Tells what a model file is by its content (never by its name): which network, which format,
// how many tensors and parameters. Used by `diarize models info` and by model discovery.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace diarize {

enum class ModelRole { kSegmentation, kEmbedding };
// In discovery preference order.
enum class ModelFormat { kSafetensors, kOnnxFp32, kOnnxInt8, kPytorchCheckpoint };

struct ModelDescription {
  std::string path;
  ModelRole role = ModelRole::kSegmentation;
  ModelFormat format = ModelFormat::kSafetensors;
  std::string architecture;       // e.g. "PyanNet (pyannote/segmentation-3.0)"
  bool batchnorm_folded = false;  // ONNX ResNet exports fold BatchNorm into the convolutions
  int64_t tensor_count = 0;
  int64_t parameter_count = 0;    // learnable values (buffers, scales and zero points excluded)
  std::map<std::string, std::string> metadata;
};

const char* role_name(ModelRole role);
// "a segmentation model" / "an embedding model", for messages.
std::string role_with_article(ModelRole role);
const char* format_name(ModelFormat format);

// Throws FormatError when the file is unreadable or not a model diarize knows.
ModelDescription recognise_model(const std::string& path);

}  // namespace diarize
