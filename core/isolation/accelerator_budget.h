// The batch-wide rule shared by the isolated and the in-process back ends: after N failures on
// an accelerator, the remaining inputs go straight to the CPU.
#pragma once

#include <string>

namespace diarize {

class AcceleratorBudget {
 public:
  // `requested` is --device (auto|cpu|cuda|mps).
  AcceleratorBudget(std::string requested, int max_failures)
      : requested_(std::move(requested)), max_failures_(max_failures) {}

  bool exhausted() const { return requested_ != "cpu" && failures_ >= max_failures_; }
  // The device request for an input's first attempt.
  std::string first_request() const { return exhausted() ? "cpu" : requested_; }
  // The `fallback` note for results produced on CPU because the budget is spent ("" if not).
  std::string exhausted_note() const;
  // Records a failed attempt on `device` (CPU failures do not count). Returns the line to print
  // when this failure spent the budget, else "".
  std::string record_failure(const std::string& device);
  int failures() const { return failures_; }

 private:
  std::string requested_;
  int max_failures_;
  int failures_ = 0;
  std::string failed_device_;  // for messages: "cuda", not "auto"
};

}  // namespace diarize
