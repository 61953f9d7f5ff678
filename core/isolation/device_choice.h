// Turns --device (auto|cpu|cuda|mps) into the device an engine is created on, given what the
// loaded engine module can use. Shared by the child and the in-process mode.
#pragma once

#include <string>
#include <vector>

namespace diarize {

// "cuda,cpu" -> {"cuda", "cpu"}; empty items dropped.
std::vector<std::string> split_device_list(const std::string& csv);

// auto = the first available device. An accelerator the module cannot use throws
// std::runtime_error "accelerator: cuda is not available (available: cpu)", which the parent
// treats as an accelerator fault and answers with a CPU attempt. "cpu" is always accepted.
std::string resolve_device(const std::string& requested, const std::string& available_csv);

}  // namespace diarize
