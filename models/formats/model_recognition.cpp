// Content-based recognition of segmentation and embedding model files.
#include "formats/model_recognition.h"

#include <algorithm>

#include "formats/mapped_file.h"
#include "formats/numpy_file.h"
#include "formats/onnx_model.h"
#include "formats/plda_file.h"
#include "formats/pytorch_checkpoint.h"
#include "formats/safetensors.h"

namespace diarize {

const char* role_name(ModelRole role) {
  switch (role) {
    case ModelRole::kSegmentation: return "segmentation";
    case ModelRole::kEmbedding: return "embedding";
    case ModelRole::kPlda: return "plda";
  }
  return "?";
}

std::string role_with_article(ModelRole role) {
  switch (role) {
    case ModelRole::kSegmentation: return "a segmentation model";
    case ModelRole::kEmbedding: return "an embedding model";
    case ModelRole::kPlda: return "a PLDA file";
  }
  return "?";
}

const char* format_name(ModelFormat format) {
  switch (format) {
    case ModelFormat::kSafetensors: return "safetensors";
    case ModelFormat::kOnnxFp32: return "ONNX fp32";
    case ModelFormat::kOnnxInt8: return "ONNX int8";
    case ModelFormat::kPytorchCheckpoint: return "PyTorch checkpoint";
    case ModelFormat::kNumpyZip: return "NumPy npz";
  }
  return "?";
}

namespace {

constexpr const char* kPyanNet = "PyanNet (pyannote/segmentation-3.0)";
constexpr const char* kResNet34 = "WeSpeaker ResNet34";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Buffers and quantisation parameters are not learnable parameters.
bool is_parameter(const std::string& name) {
  for (const char* suffix : {"running_mean", "running_var", "num_batches_tracked", "_scale", "_zero_point", ".n_",
                             ".window_"})
    if (ends_with(name, suffix)) return false;
  return true;
}

template <typename Tensors>
void count_tensors(const Tensors& tensors, ModelDescription& d) {
  d.tensor_count = static_cast<int64_t>(tensors.size());
  for (const TensorData& t : tensors)
    if (is_parameter(t.name) && t.dtype != DType::I64) d.parameter_count += t.numel();
}

// A u64 header length whose top bytes are zero, then the JSON header's '{'. Whether the length
// fits the file is left to the parser, so that a truncated safetensors file is reported as one
// (its first byte may well be 0x08, which would otherwise pass for ONNX).
bool looks_like_safetensors(const uint8_t* bytes, size_t size) {
  if (size < 10) return false;
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  return n >= 2 && n < (uint64_t(1) << 40) && bytes[8] == '{';
}

bool looks_like_zip(const uint8_t* bytes, size_t size) {
  return size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
}

}  // namespace

ModelDescription describe_state_dict(const std::vector<TensorData>& tensors,
                                     const std::map<std::string, std::string>& metadata, ModelFormat format,
                                     const std::string& path) {
  auto has = [&tensors](const char* name) {
    return std::any_of(tensors.begin(), tensors.end(), [name](const TensorData& t) { return t.name == name; });
  };
  ModelDescription d;
  d.path = path;
  d.format = format;
  d.metadata = metadata;
  if (has("sincnet.wav_norm1d.weight") && has("lstm.weight_ih_l0") && has("classifier.weight")) {
    d.role = ModelRole::kSegmentation;
    d.architecture = kPyanNet;
  } else if (has("resnet.seg_1.weight") && has("resnet.conv1.weight")) {
    d.role = ModelRole::kEmbedding;
    d.architecture = kResNet34;
    d.batchnorm_folded = !has("resnet.bn1.running_var");
  } else {
    throw FormatError(path + ": " + format_name(format) +
                      " file holds neither a segmentation-3.0 nor a WeSpeaker ResNet34 state dict");
  }
  count_tensors(tensors, d);
  return d;
}

ModelDescription describe_onnx(const OnnxModel& model, const std::string& path) {
  ModelDescription d;
  d.path = path;
  for (const auto& [key, value] : model.metadata_props) d.metadata[key] = value;
  int lstm = 0, conv = 0, batchnorm = 0, quantized = 0;
  for (const OnnxNode& node : model.graph.nodes) {
    if (node.op_type == "LSTM" || node.op_type == "DynamicQuantizeLSTM") ++lstm;
    if (node.op_type == "Conv" || node.op_type == "ConvInteger") ++conv;
    if (node.op_type == "BatchNormalization") ++batchnorm;
    if (node.op_type == "DynamicQuantizeLSTM" || node.op_type == "ConvInteger" || node.op_type == "MatMulInteger" ||
        node.op_type == "DynamicQuantizeLinear")
      ++quantized;
  }
  const bool has_feats_input =
      std::find(model.graph.inputs.begin(), model.graph.inputs.end(), "feats") != model.graph.inputs.end();
  if (lstm == 4) {
    d.role = ModelRole::kSegmentation;
    d.architecture = kPyanNet;
  } else if (lstm == 0 && conv >= 30 && (has_feats_input || d.metadata.count("framework"))) {
    d.role = ModelRole::kEmbedding;
    d.architecture = kResNet34;
    d.batchnorm_folded = batchnorm == 0;
  } else {
    throw FormatError(path + ": ONNX graph is neither a segmentation-3.0 (4 LSTM layers) nor a ResNet speaker embedding");
  }
  d.format = quantized > 0 ? ModelFormat::kOnnxInt8 : ModelFormat::kOnnxFp32;
  count_tensors(model.graph.initializers, d);
  return d;
}

ModelDescription describe_npz(const std::vector<TensorData>& arrays, const std::string& path) {
  ModelDescription d;
  d.path = path;
  d.role = ModelRole::kPlda;
  d.format = ModelFormat::kNumpyZip;
  const PldaPart part = check_plda_part(arrays, path);
  d.architecture = part == PldaPart::kTransform ? "PLDA x-vector transform (xvec_transform.npz, 256 -> 128)"
                                                : "PLDA model (plda.npz, 128-d)";
  count_tensors(arrays, d);
  return d;
}

ModelContainer sniff_model_container(const uint8_t* data, size_t size, const std::string& path) {
  const size_t head = std::min(size, kModelSniffBytes);
  if (head == 0) throw FormatError(path + ": empty file, not a model");
  if (looks_like_safetensors(data, head)) return ModelContainer::kSafetensors;
  if (looks_like_npz(data, head)) return ModelContainer::kNumpyZip;
  if (looks_like_zip(data, head)) return ModelContainer::kPytorchZip;
  // ONNX has no magic number: a ModelProto starts with field 1 (ir_version, varint) = byte 0x08.
  if (data[0] == 0x08) return ModelContainer::kOnnx;
  throw FormatError(path + ": not a model file diarize knows (expected safetensors, ONNX, a PyTorch checkpoint or a PLDA .npz)");
}

namespace {

ModelDescription recognise_mapped(const std::string& path) {
  const MappedFile file(path);
  const uint8_t* data = file.data();
  const size_t size = file.size();
  constexpr TensorPayload kShapes = TensorPayload::kShapesOnly;
  switch (sniff_model_container(data, size, path)) {
    case ModelContainer::kSafetensors: {
      const SafetensorsFile parsed = parse_safetensors(data, size, path, kShapes);
      return describe_state_dict(parsed.tensors, parsed.metadata, ModelFormat::kSafetensors, path);
    }
    case ModelContainer::kPytorchZip: {
      const PyTorchCheckpoint parsed = parse_pytorch_checkpoint(data, size, path, kShapes);
      return describe_state_dict(parsed.tensors, parsed.metadata, ModelFormat::kPytorchCheckpoint, path);
    }
    case ModelContainer::kNumpyZip:
      return describe_npz(parse_npz(data, size, path), path);
    case ModelContainer::kOnnx:
      break;
  }
  return describe_onnx(parse_onnx(data, size, path, kShapes), path);
}

}  // namespace

ModelDescription recognise_model(const std::string& path) {
  try {
    return recognise_mapped(path);
  } catch (const FormatError& e) {
    throw with_path(path, e);
  }
}

}  // namespace diarize
