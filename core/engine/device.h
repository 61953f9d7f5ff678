// Which accelerators the linked LibTorch offers, and how their failures are recognised.
// Compiles against Debian's CPU-only LibTorch 1.13 and CUDA/MPS builds of LibTorch 2.x.
#pragma once

#include <c10/core/Device.h>

#include <exception>
#include <string>

namespace diarize {

// Usable devices in `auto` preference order: "cuda", then "mps", then "cpu" (always last).
std::string available_devices();

// "auto" resolves to the first available device; an unavailable device throws ModelError.
std::string resolve_device(const std::string& requested);

c10::Device to_torch_device(const std::string& name);

// True for errors raised by an accelerator back-end (CUDA/MPS errors, device out of memory),
// which the parent answers with a retry on CPU.
bool is_accelerator_error(const std::string& message);

}  // namespace diarize
