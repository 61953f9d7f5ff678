// Turns a WeSpeaker ResNet34 ONNX export (wespeaker / sherpa-onnx layout: input `feats` = CMN'd
// fbank [B,T,80], output `embs` [B,256]) into pyannote's WeSpeakerResNet34 state dict. LibTorch-free.
//
// These exports run in eval mode, so BatchNorm is folded into the convolutions (weights scaled,
// a bias added). The original BatchNorm statistics cannot be recovered; the importer loads the
// folded convolution weights and turns every BatchNorm into an exact identity that adds the folded
// bias (weight = sqrt(1 + eps), running_var = 1, running_mean = 0, bias = folded bias). Numbers
// equal the unfolded network up to float rounding (documented in docs/models.md).
//
// Which initializer is which parameter comes from the graph: Conv nodes in graph order follow the
// network's execution order (conv1, then per block conv1, conv2 and, for the first block of
// layers 2-4, the 1x1 shortcut conv, recognised by its kernel size); the Gemm (or MatMul + Add)
// after the pooling is seg_1, and a final Sub of a constant (wespeaker's mean_vec) is folded into
// seg_1's bias.
#pragma once

#include <vector>

#include "formats/onnx_model.h"
#include "formats/tensor_data.h"

namespace diarize {

std::vector<TensorData> embedding_state_dict_from_onnx(const OnnxModel& model);

}  // namespace diarize
