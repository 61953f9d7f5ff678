// Format sniffing for segmentation weights, then a strict load into PyanNet.
#include "import/segmentation_model_loader.h"

#include "formats/onnx_model.h"
#include "formats/safetensors.h"
#include "import/segmentation_onnx_import.h"
#include "import/state_dict_loader.h"

namespace diarize {

namespace {

// safetensors begins with a little-endian u64 header length followed by the JSON header's '{';
// an ONNX ModelProto begins with a protobuf key and never with that pattern for a sane length.
bool looks_like_safetensors(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < 9) return false;
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  return header_len <= bytes.size() - 8 && bytes[8] == '{';
}

}  // namespace

std::vector<TensorData> read_segmentation_state_dict(const std::string& path) {
  const std::vector<uint8_t> bytes = read_binary_file(path);
  if (looks_like_safetensors(bytes)) return parse_safetensors(bytes.data(), bytes.size(), path).tensors;
  OnnxModel model;
  try {
    model = parse_onnx(bytes.data(), bytes.size(), path);
  } catch (const FormatError& e) {
    throw FormatError(path + ": neither safetensors nor ONNX (" + e.what() + ")");
  }
  return segmentation_state_dict_from_onnx(model);
}

PyanNet load_segmentation_model(const std::string& path) {
  PyanNet net;
  load_state_dict(*net, read_segmentation_state_dict(path), path);
  net->eval();
  return net;
}

}  // namespace diarize
