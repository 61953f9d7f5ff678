// Error types and the documented exit codes (docs/cli.md). Code inside throws; one place per
// process boundary turns an exception into a one-line message and an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace diarize {

enum ExitCode : int {
  kExitOk = 0,
  kExitInputFailed = 1,   // at least one input could not be processed
  kExitUsage = 2,         // bad command line
  kExitModel = 3,         // no model found, unreadable model, bad configuration
  kExitInterrupted = 130, // SIGINT
  kExitBrokenPipe = 141,  // stdout is a pipe whose reader went away (128 + SIGPIPE, as a shell shows it)
  kExitTerminated = 143,  // SIGTERM
};

// A problem with one input (unreadable audio, ...): that input fails, a batch goes on.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A bad command line or option value.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// No model, an unreadable model, or an unusable configuration.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// stdout cannot take the results (a full disk, a closed pipe): the run stops, since every later
// result would be lost the same way. `error_number` is the errno.
struct StdoutError : std::runtime_error {
  explicit StdoutError(int error) : std::runtime_error("stdout"), error_number(error) {}
  int error_number;
};

}  // namespace diarize
