// The neural engine: loads the models once, then diarizes file after file with pyannote 3.1 or
// community-1 semantics (segmentation -> embeddings -> clustering -> reconstruction).
#pragma once

#include <c10/core/Device.h>

#include <optional>

#include "engine/engine_api.h"
#include "nets/pyannet.h"
#include "nets/resnet34.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/plda_transform.h"

namespace diarize {

class PipelineEngine : public Engine {
 public:
  // Throws ModelError when a model cannot be loaded or the device is unavailable.
  explicit PipelineEngine(const EngineConfig& config);

  EngineResult diarize(const float* samples, size_t count, const JobOptions& options,
                       const ProgressCallback& progress) override;
  std::string device() const override { return device_name_; }

 private:
  EngineConfig config_;
  std::string device_name_;
  c10::Device device_;
  PyanNet segmentation_{nullptr};
  std::optional<WeSpeakerResNet34> embedding_;  // none: the built-in embedding
  std::string embedding_description_;
  BuiltinPlda builtin_plda_;  // the built-in embedding's parameters, when it is the one used
  std::optional<PldaTransform> plda_;  // community-1 only
};

}  // namespace diarize
