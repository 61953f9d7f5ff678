// dlopen of the engine module and location of the running executable.
#include "engine/engine_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "errors.h"

namespace diarize {

std::string current_executable_path() {
  std::vector<char> buffer(4096);
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return "";
  return std::string(buffer.data(), static_cast<size_t>(n));
}

std::string find_engine_module() {
  if (const char* env = std::getenv("DIARIZE_ENGINE_MODULE"); env && *env) return env;
  const std::string exe = current_executable_path();
  const std::string dir = exe.substr(0, exe.find_last_of('/'));
  const std::string candidates[] = {dir + "/" + kEngineModuleName, dir + "/../lib/diarize/" + kEngineModuleName};
  for (const auto& candidate : candidates) {
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0) return candidate;
  }
  return candidates[0];
}

EngineModule::EngineModule(const std::string& path) {
  // LibTorch's OpenMP threads otherwise spin while they wait for work; with other processes on the
  // cores (`make -j`, loops running several files at once, a busy server) that spinning made the
  // default mode 5-10x slower (docs/benchmarks.md). libgomp reads this when the module loads it; a
  // user's own setting wins.
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = ::dlerror();
    throw ModelError("cannot load the diarization engine " + path + ": " + (why ? why : "unknown error"));
  }
  create_ = reinterpret_cast<CreateEngineFn>(::dlsym(handle_, kCreateEngineSymbol));
  devices_ = reinterpret_cast<AvailableDevicesFn>(::dlsym(handle_, kAvailableDevicesSymbol));
  if (!create_ || !devices_) throw ModelError(path + " is not a diarize engine module");
}

EngineModule::~EngineModule() {
  // Deliberately not dlclose'd: LibTorch does not support being unloaded.
}

std::unique_ptr<Engine> EngineModule::create(const EngineConfig& config) const {
  return std::unique_ptr<Engine>(create_(config));
}

std::string EngineModule::available_devices() const { return devices_(); }

}  // namespace diarize
