// SIGINT/SIGTERM/SIGHUP in the parent: kill and reap every live child, remove registered
// temporary output files, exit 130/143/129. Everything happens inside the handler with async-signal-safe
// calls, so it works wherever the main code is (decoding, waiting on a child, writing output).
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace diarize {

class InterruptHandler {
 public:
  // Installs the handlers for SIGINT, SIGTERM and SIGHUP (idempotent).
  static void install();

  // Children the handler must kill; ChildProcess registers itself (at most 16 at a time).
  static void register_child(pid_t pid);
  static void unregister_child(pid_t pid);

  // Whether a progress line is drawn on stderr without its newline: the handler then ends it,
  // so the shell prompt does not land in the middle of it.
  static void set_progress_line_open(bool open);

  // Blocks those signals for a scope (e.g. between posix_spawn and register_child).
  class DeferSignals {
   public:
    DeferSignals();
    ~DeferSignals();
    DeferSignals(const DeferSignals&) = delete;
    DeferSignals& operator=(const DeferSignals&) = delete;

   private:
    sigset_t previous_;
  };
};

}  // namespace diarize
