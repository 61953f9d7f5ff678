// Turns --device (auto|cpu|cuda|mps) into the device an engine is created on, given what the
// loaded engine module can use. Shared by the child and the in-process mode.
#pragma once

#include <string>
#include <vector>

namespace diarize {

// "cuda,cpu" -> {"cuda", "cpu"}; empty items dropped.
std::vector<std::string> split_device_list(const std::string& csv);

// auto = the first available device; "cpu" is always accepted; an accelerator only when the
// module offers it. "" when the requested accelerator is not there: a configuration error that
// stops the run (exit 3) before any input, never a fault to retry (unavailable_device_message).
std::string resolve_device(const std::string& requested, const std::string& available_csv);

// "--device cuda: not available on this machine (available: cpu)".
std::string unavailable_device_message(const std::string& requested, const std::string& available_csv);

}  // namespace diarize
