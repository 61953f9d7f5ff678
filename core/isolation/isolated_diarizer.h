// Runs each input in a child process (`diarize --child`) and survives whatever the child does:
// a crash, an abnormal exit, a protocol breach, an accelerator error or a timeout costs one
// notice and a retry on CPU in a fresh child; one input's failure never stops the batch.
#pragma once

#include <memory>
#include <string>

#include "isolation/accelerator_budget.h"
#include "isolation/diarizer.h"
#include "isolation/fault_injection.h"

namespace diarize {

struct IsolationConfig {
  std::string executable = "/proc/self/exe";  // what to spawn with --child
  EngineConfig engine;                        // engine.device is the request: auto|cpu|cuda|mps
  double timeout_s = 0.0;                     // per attempt at one input, from its JOB; 0 = none
  double startup_timeout_s = 300.0;           // spawn to READY (LibTorch, models), whatever timeout_s is
  double kill_grace_s = 2.0;                  // between SIGTERM and SIGKILL
  int max_accelerator_failures = 3;           // then CPU for the rest of the batch
  FaultPlan faults;                           // injected faults (DIARIZE_FAULT)
};

class IsolatedDiarizer : public Diarizer {
 public:
  IsolatedDiarizer(IsolationConfig config, LogLine log);
  // Ends the child: closes its control socket (it exits on EOF), then reaps it.
  ~IsolatedDiarizer() override;

  DiarizeOutcome diarize(const std::string& path, int input_index, const SharedAudio& audio, const JobOptions& options,
                         const ProgressCallback& progress) override;
  // Starts the child for the first input now: an absent --device is a ModelError before any
  // input; other start failures are left to the first input's attempt.
  void prepare() override;


 private:
  struct Session;
  struct AttemptFailed;

  EngineResult attempt(const std::string& device_request, int input_index, int attempt_number, const SharedAudio& audio,
                       const JobOptions& options, const ProgressCallback& progress, std::string& device_used);
  Session& ensure_child(const std::string& device_request);
  [[noreturn]] void fail_and_stop(const std::string& device, const std::string& reason, bool retryable, bool timed_out);
  void stop_child();

  IsolationConfig config_;
  LogLine log_;
  std::unique_ptr<Session> child_;
  AcceleratorBudget budget_;
  uint64_t next_job_id_ = 1;
};

}  // namespace diarize
