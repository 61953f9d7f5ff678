// Safe opening and read-only mapping of model files (see mapped_file.h).
#include "formats/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "formats/tensor_data.h"

namespace diarize {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

void check_stat(const std::string& path, const struct stat& st, uint64_t max_bytes) {
  if (!S_ISREG(st.st_mode)) throw FormatError(path + ": is " + kind_of(st.st_mode) + ", not a model file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    char size[64];
    std::snprintf(size, sizeof(size), "%.1f GiB", static_cast<double>(st.st_size) / (1u << 30));
    throw FormatError(path + ": " + size + " is larger than any model diarize reads (at most " +
                      std::to_string(max_bytes >> 20) + " MiB)");
  }
}

// The descriptor is closed however the mapping goes.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

uint64_t check_model_file(const std::string& path, uint64_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw FormatError(path + ": cannot open: " + std::strerror(errno));
  check_stat(path, st, max_bytes);
  if (::access(path.c_str(), R_OK) != 0) throw FormatError(path + ": cannot open: " + std::strerror(errno));
  return static_cast<uint64_t>(st.st_size);
}

MappedFile::MappedFile(const std::string& path, uint64_t max_bytes) {
  check_model_file(path, max_bytes);
  // O_NONBLOCK: should the path have become a FIFO since the check, opening it does not wait for
  // a writer; fstat below then refuses it.
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (file.fd < 0) throw FormatError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) throw FormatError(path + ": cannot open: " + std::strerror(errno));
  check_stat(path, st, max_bytes);
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) return;
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw FormatError(path + ": cannot map: " + std::strerror(errno));
  }
}

MappedFile::~MappedFile() {
  if (map_) ::munmap(map_, size_);
}

}  // namespace diarize
