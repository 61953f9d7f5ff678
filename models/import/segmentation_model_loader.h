// Loads the segmentation network (PyanNet) from a weights file, whatever its format.
//
// Public API:
//   PyanNet load_segmentation_model(const std::string& path);
// Accepts a safetensors state dict with pyannote's names (diarize's canonical format) or a
// sherpa-onnx segmentation-3.0 ONNX export (fp32 or int8) or a PyTorch checkpoint, recognised by
// content, not by extension (import/state_dict_reader.h).
// Returns the module in eval mode. FormatError (naming the path) for unreadable, unrecognised or
// unfit files.
#pragma once

#include <string>
#include <vector>

#include "formats/tensor_data.h"
#include "nets/pyannet.h"

namespace diarize {

PyanNet load_segmentation_model(const std::string& path);


}  // namespace diarize
