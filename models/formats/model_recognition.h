// Tells what a model file is by its content (never by its name): which network (or which half of
// the community-1 PLDA), which format, how many tensors and parameters. Used by `diarize models
// info` and by model discovery.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/onnx_model.h"
#include "formats/tensor_data.h"

namespace diarize {

enum class ModelRole { kSegmentation, kEmbedding, kPlda };
// In discovery preference order.
enum class ModelFormat { kSafetensors, kOnnxFp32, kOnnxInt8, kPytorchCheckpoint, kNumpyZip };

struct ModelDescription {
  std::string path;
  ModelRole role = ModelRole::kSegmentation;
  ModelFormat format = ModelFormat::kSafetensors;
  std::string architecture;       // e.g. "PyanNet (pyannote/segmentation-3.0)", "PLDA model (plda.npz)"
  bool batchnorm_folded = false;  // ONNX ResNet exports fold BatchNorm into the convolutions
  int64_t tensor_count = 0;
  int64_t parameter_count = 0;    // learnable values (buffers, scales and zero points excluded)
  std::map<std::string, std::string> metadata;
};

const char* role_name(ModelRole role);
// "a segmentation model" / "an embedding model" / "a PLDA file", for messages.
std::string role_with_article(ModelRole role);
const char* format_name(ModelFormat format);

// Throws FormatError when the file is unreadable or not a model diarize knows. Reads no weights:
// the container is told from the first bytes (never more than kModelSniffBytes), then only the
// names, dtypes and shapes are parsed from the mapped file (formats/mapped_file.h).
ModelDescription recognise_model(const std::string& path);

// The pieces of recognise_model, for callers that parse the file themselves (one read, one parse).
enum class ModelContainer { kSafetensors, kPytorchZip, kNumpyZip, kOnnx };
inline constexpr size_t kModelSniffBytes = 64 << 10;
// By the first bytes of the file (`size` is the whole file's; at most kModelSniffBytes are
// looked at); FormatError for anything else.
ModelContainer sniff_model_container(const uint8_t* data, size_t size, const std::string& path);
// A pyannote-named state dict (safetensors or checkpoint) of `format`.
ModelDescription describe_state_dict(const std::vector<TensorData>& tensors,
                                     const std::map<std::string, std::string>& metadata, ModelFormat format,
                                     const std::string& path);
ModelDescription describe_onnx(const OnnxModel& model, const std::string& path);
// One checked half of the PLDA (formats/plda_file.h); FormatError when it is not.
ModelDescription describe_npz(const std::vector<TensorData>& arrays, const std::string& path);

}  // namespace diarize
