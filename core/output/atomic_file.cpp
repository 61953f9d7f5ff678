// Atomic output files and the registry of temporary files for signal-time cleanup.
#include "output/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
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
  // Any name the target may have must leave room for the dot, the marker and mkstemp's 6 letters.
  const std::string name = name_of(target).substr(0, kMaxNameBytes - 1 - std::strlen(kTempFileMarker) - 6);
  std::string pattern = dir + "/." + name + kTempFileMarker + "XXXXXX";
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

namespace {

// Follows `path` through symlinks (the links themselves stay) to the file that is really written,
// which may not exist yet. Relative link targets are relative to the link's folder.
std::string resolve_symlinks(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::vector<char> link(static_cast<size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1);
    const ssize_t n = ::readlink(current.c_str(), link.data(), link.size() - 1);
    if (n < 0) throw std::runtime_error(path + ": cannot read the symbolic link: " + std::strerror(errno));
    const std::string target(link.data(), static_cast<size_t>(n));
    current = target.empty() || target[0] == '/' ? target : parent_of(current) + "/" + target;
  }
  throw std::runtime_error(path + ": " + std::strerror(ELOOP));
}

// Writes all of `content` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, const std::string& content) {
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<size_t>(n);
  }
  return 0;
}

// A character device, FIFO or block device given as the output: the user wants the bytes sent
// there (as with the shell's `>`), not the node replaced by a regular file. Nothing to make atomic.
void write_into_special_file(const std::string& path, const std::string& shown, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw std::runtime_error(shown + ": cannot write: " + std::strerror(errno));
  int error = write_all(fd, content);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) throw std::runtime_error(shown + ": cannot write: " + std::strerror(error));
}

// The deepest folder on the way to `folder` that exists (`folder` itself if it does).
std::string deepest_existing(const std::string& folder) {
  std::string current = folder.empty() ? "." : folder;
  while (true) {
    struct stat st {};
    if (::stat(current.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) throw std::runtime_error(current + " is not a folder");
      return current;
    }
    if (errno != ENOENT && errno != ENOTDIR) throw std::runtime_error(current + ": " + std::strerror(errno));
    const std::string parent = parent_of(current);
    if (parent == current) throw std::runtime_error(current + ": " + std::strerror(errno));
    current = parent;
  }
}

}  // namespace

void check_folder_writable(const std::string& folder) {
  const std::string existing = deepest_existing(folder);
  // Asking the kernel is the only reliable answer (permissions, ACLs, read-only mounts, root).
  const std::string probe = existing + "/." + kTempFileMarker + "probe-XXXXXX";
  std::vector<char> buffer(probe.begin(), probe.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) throw std::runtime_error("cannot create files in " + existing + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(buffer.data());
}

void check_file_writable(const std::string& path) {
  const std::string target = resolve_symlinks(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + " is a folder");
    if (S_ISSOCK(st.st_mode)) throw std::runtime_error(path + " is a socket");
    return;  // a device or FIFO is written straight into when the output is ready
  }
  if (name_of(target).size() > kMaxNameBytes)
    throw std::runtime_error("the file name is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  check_folder_writable(parent_of(target));
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string target = resolve_symlinks(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory");
    if (S_ISSOCK(st.st_mode)) throw std::runtime_error(path + ": is a socket");
    write_into_special_file(target, path, content);
    return;
  }
  int fd = -1;
  const std::string tmp = create_temp_file_beside(target, &fd);
  int error = write_all(fd, content);
  // The data reaches the disk before the rename publishes it: after a power cut the target is the
  // old file or the new one, never an empty or partial one.
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(tmp.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(tmp.c_str());
    release_temp_file(tmp);
    throw std::runtime_error(path + ": cannot write: " + std::strerror(error));
  }
  release_temp_file(tmp);
  sync_directory(parent_of(target));
}

}  // namespace diarize
