// posix_spawn-based child processes with deadline-bounded termination (see child_process.h).
#include "isolation/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "isolation/child_protocol.h"
#include "isolation/interrupt_handler.h"

extern char** environ;

namespace diarize {

namespace {

std::runtime_error spawn_error(const std::string& what, int error) {
  return std::runtime_error("cannot start the diarization child: " + what + ": " + std::strerror(error));
}

ChildExit exit_from_status(int status) {
  ChildExit e;
  if (WIFSIGNALED(status)) {
    e.signaled = true;
    e.signal = WTERMSIG(status);
  } else {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

// Owns posix_spawn's attribute objects for the duration of one spawn.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

}  // namespace

std::string signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGHUP: return "SIGHUP";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    default: return "signal " + std::to_string(signal);
  }
}

std::string ChildExit::describe() const {
  return signaled ? "killed by " + signal_name(signal) : "exited with status " + std::to_string(code);
}

ChildProcess::ChildProcess(const std::string& executable, const std::vector<std::string>& arguments) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) throw spawn_error("socketpair", errno);
  // Keep the child's end off fd 3 itself: a dup2 onto the same number would leave it close-on-exec.
  const int child_end = ::fcntl(sockets[1], F_DUPFD_CLOEXEC, 10);
  ::close(sockets[1]);
  if (child_end < 0) {
    ::close(sockets[0]);
    throw spawn_error("fcntl", errno);
  }

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, 2, 1);
  posix_spawn_file_actions_adddup2(&setup.actions, child_end, kChildControlFd);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, kChildControlFd + 1);

  // Own process group (terminal ^C reaches only the parent), default signal dispositions and
  // an empty mask, whatever the parent's handlers and mask are.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD}) sigaddset(&defaults, s);
  sigemptyset(&empty);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&setup.attributes, 0);
  posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  posix_spawnattr_setsigmask(&setup.attributes, &empty);

  std::vector<std::string> argv_storage;
  argv_storage.push_back("diarize");
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  // No signal handler may run between the spawn and the registration of the pid: otherwise a
  // ^C at that instant could leave the child behind.
  const InterruptHandler::DeferSignals defer;
  const int error = ::posix_spawn(&pid_, executable.c_str(), &setup.actions, &setup.attributes, argv.data(), environ);
  ::close(child_end);
  if (error != 0) {
    ::close(sockets[0]);
    pid_ = -1;
    throw spawn_error(executable, error);
  }
  InterruptHandler::register_child(pid_);
  control_fd_ = sockets[0];
}

ChildProcess::~ChildProcess() {
  if (!exit_ && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    InterruptHandler::unregister_child(pid_);
  }
  if (control_fd_ >= 0) ::close(control_fd_);
}

std::optional<ChildExit> ChildProcess::poll_exit() {
  if (exit_) return exit_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_ = exit_from_status(status);
    InterruptHandler::unregister_child(pid_);
  }
  return exit_;
}

bool ChildProcess::wait_until_exit(double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (true) {
    if (poll_exit()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    const struct timespec pause {0, 2'000'000};  // 2 ms: reaping latency is irrelevant next to a model run
    ::nanosleep(&pause, nullptr);
  }
}

ChildExit ChildProcess::finish(double wait_s, double grace_s) {
  if (wait_until_exit(wait_s)) return *exit_;
  ::kill(-pid_, SIGTERM);
  if (wait_until_exit(grace_s)) return *exit_;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  exit_ = r == pid_ ? exit_from_status(status) : ChildExit{true, 0, SIGKILL};
  InterruptHandler::unregister_child(pid_);
  return *exit_;
}

}  // namespace diarize
