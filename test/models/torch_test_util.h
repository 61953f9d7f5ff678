// Test-only helpers for LibTorch tests: golden TensorData → at::Tensor, a by-name weight loader, and
// golden-comparison metrics. The loader is deliberately minimal; the product loader is
// models/import/state_dict_loader (branch `seg`), which should replace it when the branches merge.
//
// Include this FIRST in every LibTorch test: Debian's LibTorch is built with glog, whose CHECK(cond)
// aborts the process and silently replaces Catch's CHECK when a LibTorch header comes after
// <catch2/catch.hpp>. Including LibTorch (and glog) here first, then Catch, keeps Catch's CHECK.
#pragma once

#ifdef TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED
#error "include models/torch_test_util.h before <catch2/catch.hpp>: glog's CHECK would replace Catch's"
#endif

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "formats/safetensors.h"

namespace diarize::test {

inline at::Tensor to_tensor(const TensorData& data) {
  if (data.dtype == DType::I64) {
    std::vector<int64_t> values = data.to_i64();
    return at::from_blob(values.data(), data.shape, at::kLong).clone();
  }
  std::vector<float> values = data.to_f32();
  return at::from_blob(values.data(), data.shape, at::kFloat).clone();
}

// Copies every parameter and buffer of `module` from the tensor of the same name; throws when a name is
// missing, a shape differs, or the file holds tensors the module does not have.
inline void load_weights_by_name(torch::nn::Module& module, const SafetensorsFile& file) {
  at::NoGradGuard no_grad;
  size_t assigned = 0;
  auto assign = [&](const std::string& name, at::Tensor& target) {
    const at::Tensor source = to_tensor(file.at(name));
    if (source.sizes() != target.sizes())
      throw std::runtime_error("weight '" + name + "' has shape " + shape_to_string(file.at(name).shape));
    target.copy_(source);
    ++assigned;
  };
  for (auto& item : module.named_parameters()) assign(item.key(), item.value());
  for (auto& item : module.named_buffers()) assign(item.key(), item.value());
  if (assigned != file.tensors.size())
    throw std::runtime_error("weights file has " + std::to_string(file.tensors.size()) + " tensors, module takes " +
                             std::to_string(assigned));
}

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

inline double max_abs(const at::Tensor& a) { return a.to(at::kDouble).abs().max().item<double>(); }

// Smallest cosine similarity between corresponding rows (last dimension) of a and b.
inline double min_row_cosine(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor x = a.to(at::kDouble).reshape({-1, a.size(-1)});
  const at::Tensor y = b.to(at::kDouble).reshape({-1, b.size(-1)});
  return at::cosine_similarity(x, y, 1, 0.0).min().item<double>();
}

}  // namespace diarize::test

#include <catch2/catch.hpp>  // last, so that its CHECK replaces glog's (see above)
