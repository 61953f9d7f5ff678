// Test-only helpers for LibTorch tests: golden-comparison metrics, plus Catch included in the right order.
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

#include "models/load_weights_by_name.h"

namespace diarize::test {

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
