// Signal-time cleanup of children and temporary files (see interrupt_handler.h).
#include "isolation/interrupt_handler.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "errors.h"
#include "output/atomic_file.h"

namespace diarize {

namespace {

constexpr int kMaxChildren = 16;
std::atomic<pid_t> g_children[kMaxChildren];
static_assert(std::atomic<pid_t>::is_always_lock_free, "the signal handler needs lock-free pids");
std::atomic<bool> g_progress_line_open{false};

void on_signal(int signal) {
  const int saved_errno = errno;
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid <= 0) continue;
    ::kill(-pid, SIGKILL);  // the child leads its own process group
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  remove_registered_temp_files();
  if (g_progress_line_open.load()) (void)!::write(STDERR_FILENO, "\n", 1);
  errno = saved_errno;
  ::_exit(signal == SIGINT ? kExitInterrupted : signal == SIGTERM ? kExitTerminated : 128 + signal);
}

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void InterruptHandler::install() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_mask = interrupt_signals();  // one cleanup at a time
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGHUP, &action, nullptr);  // a closed terminal: same cleanup, exit 129
}

void InterruptHandler::set_progress_line_open(bool open) { g_progress_line_open.store(open); }

void InterruptHandler::register_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void InterruptHandler::unregister_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

InterruptHandler::DeferSignals::DeferSignals() {
  const sigset_t set = interrupt_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, &previous_);
}

InterruptHandler::DeferSignals::~DeferSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

}  // namespace diarize
