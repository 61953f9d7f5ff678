// Device discovery and accelerator-error classification.
#include "engine/device.h"

#include <ATen/Context.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cctype>

#include "errors.h"

namespace diarize {

std::string available_devices() {
  std::string devices;
  if (torch::cuda::is_available()) devices += "cuda,";
  if (at::hasMPS()) devices += "mps,";
  return devices + "cpu";
}

std::string resolve_device(const std::string& requested) {
  const std::string devices = available_devices();
  if (requested == "auto") return devices.substr(0, devices.find(','));
  if (("," + devices + ",").find("," + requested + ",") == std::string::npos)
    throw ModelError("device '" + requested + "' is not available in this build (available: " + devices + ")");
  return requested;
}

c10::Device to_torch_device(const std::string& name) {
  if (name == "cuda") return c10::Device(c10::DeviceType::CUDA, 0);
  if (name == "mps") return c10::Device(c10::DeviceType::MPS);
  return c10::Device(c10::DeviceType::CPU);
}

bool is_accelerator_error(const std::string& message) {
  std::string lower = message;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* needle : {"cuda", "cudnn", "cublas", "mps", "metal", "out of memory", "device-side assert"})
    if (lower.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace diarize
