// Turns a pyannote segmentation-3.0 ONNX export (sherpa-onnx layout, fp32 or onnxruntime
// dynamic-int8) into PyanNet's state dict, named exactly like upstream pyannote's
// `model.state_dict()` (and reference/segmentation_weights.safetensors), so the model loads it by
// name. LibTorch-free.
//
// Public API:
//   std::vector<TensorData> segmentation_state_dict_from_onnx(const OnnxModel& model);
//
// Which initializer is which parameter is read from the node graph, not from the exporter's
// generated names (`onnx::LSTM_783` changes with every export):
//   InstanceNormalization fed by the graph input      → sincnet.wav_norm1d.{weight,bias}
//   the other InstanceNormalizations, in graph order   → sincnet.norm1d.{0,1,2}.{weight,bias}
//   Conv / ConvInteger, in graph order                 → sincnet.conv1d.{1,2}.{weight,bias}
//   LSTM / DynamicQuantizeLSTM, in graph order         → lstm layers 0..3 (+ _reverse)
//   MatMul / MatMulInteger whose result gets a bias Add, in graph order → linear.0, linear.1, classifier
// The SincNet filterbank parameters (low_hz_, band_hz_, window_) are named initializers in every
// export; n_ is recomputed in float32 (the int8 file stores it quantized). All format conversion
// lives here: ONNX LSTM gate order (i,o,f,c) → PyTorch (i,f,g,o), [in,out] → [out,in] transposes,
// bias split into bias_ih / bias_hh, int8/uint8 dequantization (per-tensor or per-channel).
#pragma once

#include <vector>

#include "formats/onnx_model.h"
#include "formats/tensor_data.h"

namespace diarize {

// The 54 PyanNet tensors (all F32) in pyannote's state_dict order. FormatError when the graph does
// not have PyanNet's structure or an initializer has an unexpected shape or type.
std::vector<TensorData> segmentation_state_dict_from_onnx(const OnnxModel& model);

// SincNet's n_ buffer, 2π · (arange(−(kernel/2), 0) / sample_rate), shape [1, kernel/2], bit-identical
// to reference/segmentation_weights.safetensors (see the .cpp for the rounding).
TensorData sincnet_n_buffer(int kernel_size, int sample_rate_hz, const std::string& name);

}  // namespace diarize
