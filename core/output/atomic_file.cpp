// Atomic output files and the registry of temporary files for signal-time cleanup.
#include "output/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace diarize {

namespace {

// A fixed table that a signal handler can walk without locks or allocation.
constexpr int kMaxTempFiles = 64;
constexpr size_t kMaxPathBytes = 4096;
char g_temp_paths[kMaxTempFiles][kMaxPathBytes];
std::atomic<bool> g_temp_used[kMaxTempFiles];

void register_temp(const std::string& path) {
  if (path.size() >= kMaxPathBytes) return;
  for (int i = 0; i < kMaxTempFiles; ++i) {
    if (!g_temp_used[i].load()) {
      std::memcpy(g_temp_paths[i], path.c_str(), path.size() + 1);
      g_temp_used[i].store(true);  // published after the path is complete
      return;
    }
  }
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Makes a rename in `dir` durable. Best effort: some file systems refuse fsync on a folder, and the
// output is complete either way.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

void make_directories(const std::string& path) {
  if (path.empty() || path == "." || path == "/") return;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw std::runtime_error(path + ": exists and is not a directory");
  }
  make_directories(parent_of(path));
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error(path + ": cannot create directory: " + std::strerror(errno));
}

std::string create_temp_file_beside(const std::string& target, int* fd_out) {
  const std::string dir = parent_of(target);
  make_directories(dir);
  std::string pattern = dir + "/." + name_of(target) + kTempFileMarker + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) throw std::runtime_error(target + ": cannot create a temporary file: " + std::strerror(errno));
  // mkstemp makes 0600; outputs should get the usual permissions.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  const std::string path(buffer.data());
  register_temp(path);
  *fd_out = fd;
  return path;
}

void release_temp_file(const std::string& path) {
  for (int i = 0; i < kMaxTempFiles; ++i)
    if (g_temp_used[i].load() && path == g_temp_paths[i]) g_temp_used[i].store(false);
}

void remove_registered_temp_files() noexcept {
  for (int i = 0; i < kMaxTempFiles; ++i)
    if (g_temp_used[i].load()) ::unlink(g_temp_paths[i]);
}

void write_file_atomically(const std::string& path, const std::string& content) {
  int fd = -1;
  const std::string tmp = create_temp_file_beside(path, &fd);
  size_t written = 0;
  int error = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    written += static_cast<size_t>(n);
  }
  // The data reaches the disk before the rename publishes it: after a power cut the target is the
  // old file or the new one, never an empty or partial one.
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(tmp.c_str());
    release_temp_file(tmp);
    throw std::runtime_error(path + ": cannot write: " + std::strerror(error));
  }
  release_temp_file(tmp);
  sync_directory(parent_of(path));
}

}  // namespace diarize
