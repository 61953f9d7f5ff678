// The two entry points of libdiarize_engine.so that the LibTorch-free parent and child look up
// with dlsym (names in engine_api.h). Same compiler and flags on both sides, so C++ types cross.
#include "engine/device.h"
#include "engine/engine_api.h"
#include "engine/pipeline_engine.h"

extern "C" {

__attribute__((visibility("default"))) diarize::Engine* diarize_create_engine(const diarize::EngineConfig& config) {
  return new diarize::PipelineEngine(config);
}

__attribute__((visibility("default"))) std::string diarize_available_devices() {
  return diarize::available_devices();
}

}  // extern "C"
