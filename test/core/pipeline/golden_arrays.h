// Test helpers: golden safetensors tensors as the pipeline's plain arrays.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "formats/safetensors.h"
#include "pipeline/chunk_frames.h"
#include "test_support.h"

namespace diarize::test {

inline SafetensorsFile read_golden(const std::string& name) {
  return read_safetensors(shared_path("reference/" + name));
}

inline ChunkFrames chunk_frames_from(const TensorData& tensor) {
  if (tensor.shape.size() != 3) throw std::runtime_error(tensor.name + " is not [chunks, frames, columns]");
  ChunkFrames out;
  out.num_chunks = tensor.shape[0];
  out.num_frames = tensor.shape[1];
  out.num_columns = tensor.shape[2];
  out.values = tensor.to_f32();
  return out;
}

inline std::vector<int> ints_from(const TensorData& tensor) {
  std::vector<int> out;
  for (const int64_t v : tensor.to_i64()) out.push_back(static_cast<int>(v));
  return out;
}

}  // namespace diarize::test
