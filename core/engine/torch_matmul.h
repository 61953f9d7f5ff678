// VBx's dense products through LibTorch (its BLAS on CPU, cuBLAS on an accelerator): the community-1
// clustering is LibTorch-free and takes this as a hook (pipeline/vbx.h), so that the N × K0 × 128
// products of a long file run at BLAS speed in the engine.
#pragma once

#include <c10/core/Device.h>

#include "pipeline/vbx.h"

namespace diarize {

// C = A·B in float64 on `device` (inputs and output stay in host memory).
DenseMatmul torch_dense_matmul(const c10::Device& device);

}  // namespace diarize
