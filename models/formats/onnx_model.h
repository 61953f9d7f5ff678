// A minimal, LibTorch-free reader for ONNX ModelProto files, written against the protobuf wire
// format by hand so that diarize can import sherpa-onnx / wespeaker exports without protobuf or
// onnxruntime. It keeps what weight importers need: the model header, metadata_props, and the graph
// (nodes with their attributes, initializers as TensorData, graph input/output names).
//
// Public API:
//   OnnxModel parse_onnx(const uint8_t* data, size_t size, const std::string& origin);  // fuzz entry
//   OnnxModel read_onnx(const std::string& path);
// Hostile input never crashes: every varint, length and declared size is checked against the bytes
// that remain before anything is allocated, nesting is limited, and any violation (including
// external-data tensors, which diarize does not follow) throws FormatError naming `origin`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "formats/tensor_data.h"

namespace diarize {

struct OnnxGraph;

// AttributeProto. `type` is ONNX's AttributeType enum (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH,
// 6 FLOATS, 7 INTS, 8 STRINGS, 9 TENSORS, 10 GRAPHS); 0 when the file did not say.
struct OnnxAttribute {
  std::string name;
  int type = 0;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<TensorData> tensors;  // `t` (Constant's value) first, then `tensors`
  std::vector<OnnxGraph> graphs;    // `g` first, then `graphs` (If/Loop bodies)
};

struct OnnxNode {
  std::string name;
  std::string op_type;
  std::string domain;  // "" (= ai.onnx) or e.g. "com.microsoft"
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;

  // nullptr when the node has no attribute of that name.
  const OnnxAttribute* attribute(const std::string& attribute_name) const;
};

struct OnnxGraph {
  std::string name;
  std::vector<OnnxNode> nodes;  // in file order (ONNX requires topological order)
  std::vector<TensorData> initializers;
  std::vector<std::string> inputs;   // graph input names (may include initializers in old IRs)
  std::vector<std::string> outputs;  // graph output names

  // nullptr when `name` is not an initializer.
  const TensorData* initializer(const std::string& initializer_name) const;
};

struct OnnxModel {
  std::string origin;  // path or description, for error messages
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::vector<std::pair<std::string, int64_t>> opset_import;  // (domain, version)
  std::vector<std::pair<std::string, std::string>> metadata_props;  // in file order
  OnnxGraph graph;

  // The metadata value for `key`, or nullptr.
  const std::string* metadata(const std::string& key) const;
};

// Parses an ONNX ModelProto held in memory; throws FormatError on anything malformed.
// With TensorPayload::kShapesOnly, raw_data is not copied (typed *_data fields still are).
OnnxModel parse_onnx(const uint8_t* data, size_t size, const std::string& origin,
                     TensorPayload payload = TensorPayload::kValues);
// Maps the file (formats/mapped_file.h) and parses it.
OnnxModel read_onnx(const std::string& path);

}  // namespace diarize
