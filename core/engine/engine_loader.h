// Loads the neural engine module (libdiarize_engine.so) with dlopen, so that only processes
// that run networks pay LibTorch's start-up cost.
#pragma once

#include <memory>
#include <string>

#include "engine/engine_api.h"

namespace diarize {

// $DIARIZE_ENGINE_MODULE, else next to the running executable, else <prefix>/lib/diarize/.
std::string find_engine_module();

// The path of the running executable (/proc/self/exe on Linux).
std::string current_executable_path();

class EngineModule {
 public:
  // Throws ModelError when the module cannot be loaded.
  explicit EngineModule(const std::string& path);
  ~EngineModule();
  EngineModule(const EngineModule&) = delete;
  EngineModule& operator=(const EngineModule&) = delete;

  std::unique_ptr<Engine> create(const EngineConfig& config) const;
  // Devices usable with the linked LibTorch, in auto-preference order, e.g. "cuda,cpu".
  std::string available_devices() const;

 private:
  void* handle_ = nullptr;
  CreateEngineFn create_ = nullptr;
  AvailableDevicesFn devices_ = nullptr;
};

}  // namespace diarize
