// Accelerator failure budget (see accelerator_budget.h).
#include "isolation/accelerator_budget.h"

namespace diarize {

std::string AcceleratorBudget::exhausted_note() const {
  if (!exhausted()) return "";
  return failed_device_ + " disabled after " + std::to_string(failures_) + " failures in this batch";
}

std::string AcceleratorBudget::record_failure(const std::string& device) {
  if (device == "cpu" || device.empty()) return "";  // "": failed before any device was chosen
  failed_device_ = device;
  if (++failures_ != max_failures_) return "";
  return "diarize: " + std::to_string(failures_) + " " + device +
         " failures in this batch; using the CPU for the remaining inputs";
}

}  // namespace diarize
