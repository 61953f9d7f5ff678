// torch::mm over borrowed host buffers.
#include "engine/torch_matmul.h"

#include <torch/torch.h>

namespace diarize {

DenseMatmul torch_dense_matmul(const c10::Device& device) {
  return [device](const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n) {
    const auto options = torch::TensorOptions().dtype(torch::kFloat64);
    // from_blob does not copy; the clustering owns the buffers for the duration of the call.
    const torch::Tensor ta = torch::from_blob(const_cast<double*>(a), {m, k}, options);
    const torch::Tensor tb = torch::from_blob(const_cast<double*>(b), {k, n}, options);
    torch::Tensor tc = torch::from_blob(c, {m, n}, options);
    if (device.is_cpu()) {
      torch::mm_out(tc, ta, tb);
    } else {
      tc.copy_(torch::mm(ta.to(device), tb.to(device)).to(torch::kCPU));
    }
  };
}

}  // namespace diarize
