// One child process: spawned with posix_spawn (safe with threads, no fork), given exactly one
// control socket as fd 3, stdin from /dev/null and stdout onto stderr (so nothing it prints
// can mix with results), in its own process group so terminal signals reach only the parent,
// which decides. Always reaped: no zombies.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace diarize {

// How a child ended.
struct ChildExit {
  bool signaled = false;
  int code = 0;    // exit status when !signaled
  int signal = 0;  // terminating signal when signaled

  bool clean() const { return !signaled && code == 0; }
  // "exited with status 3", "killed by SIGSEGV".
  std::string describe() const;
};

// "SIGSEGV", "SIGKILL", ... ("signal 42" for others).
std::string signal_name(int signal);

class ChildProcess {
 public:
  // Spawns `executable` with `arguments` (argv[1..]); the child's end of a new Unix stream
  // socket becomes its fd 3, every other descriptor beyond stderr is closed. Throws
  // std::runtime_error when the process cannot be created.
  ChildProcess(const std::string& executable, const std::vector<std::string>& arguments);
  // Kills (SIGKILL) and reaps a child still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The parent's end of the control socket.
  int control_fd() const { return control_fd_; }

  // Reaps the child if it has ended, without waiting.
  std::optional<ChildExit> poll_exit();
  // Gives the child `wait_s` to end by itself, then SIGTERM, `grace_s` more, then SIGKILL (to
  // its whole process group). Returns how it ended; idempotent.
  ChildExit finish(double wait_s, double grace_s);
  // SIGTERM, `grace_s` to end, then SIGKILL.
  ChildExit terminate(double grace_s) { return finish(0.0, grace_s); }

 private:
  bool wait_until_exit(double seconds);
  pid_t pid_ = -1;
  int control_fd_ = -1;
  std::optional<ChildExit> exit_;
};

}  // namespace diarize
