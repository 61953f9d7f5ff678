// An LD_PRELOAD shim for tests (libdiarize_syscall_probe.so): logs every fsync, fdatasync and
// rename of the process it is preloaded into, in order, to the file named by
// $DIARIZE_PROBE_LOG ("fsync <path>", "fdatasync <path>", "rename <from> <to>"), then calls the
// real function. Lets a test see that the atomic writer syncs the data before publishing it and
// the folder after, without strace.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

void log_line(const char* what, const char* a, const char* b) {
  const char* log = getenv("DIARIZE_PROBE_LOG");
  if (!log || !*log) return;
  const int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char line[2 * PATH_MAX + 64];
  const int n = snprintf(line, sizeof(line), "%s %s%s%s\n", what, a, b ? " " : "", b ? b : "");
  if (n > 0) (void)!write(fd, line, static_cast<size_t>(n) < sizeof(line) ? static_cast<size_t>(n) : sizeof(line) - 1);
  close(fd);
}

void log_fd(const char* what, int fd) {
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof(path) - 1);
  path[n > 0 ? n : 0] = '\0';
  log_line(what, path, nullptr);
}

template <typename Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int fsync(int fd) {
  log_fd("fsync", fd);
  return next<int (*)(int)>("fsync")(fd);
}

int fdatasync(int fd) {
  log_fd("fdatasync", fd);
  return next<int (*)(int)>("fdatasync")(fd);
}

int rename(const char* from, const char* to) {
  log_line("rename", from, to);
  return next<int (*)(const char*, const char*)>("rename")(from, to);
}

}  // extern "C"
