// Loads the speaker-embedding network (WeSpeaker ResNet34) from a weights file, whatever its
// format: safetensors with pyannote's names, a wespeaker/sherpa-onnx ONNX export (BatchNorm
// folded), or a pyannote PyTorch checkpoint. Recognised by content. Returns the module in eval mode;
// FormatError naming the path otherwise.
#pragma once

#include <string>
#include <vector>

#include "formats/tensor_data.h"
#include "nets/resnet34.h"

namespace diarize {

WeSpeakerResNet34 load_embedding_model(const std::string& path);

}  // namespace diarize
