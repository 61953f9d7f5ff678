// stderr capture around library calls (see library_messages.h).
#include "audio/library_messages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>

namespace diarize {

StderrCapture::StderrCapture() {
  std::fflush(stderr);
  capture_fd_ = ::memfd_create("diarize-library-messages", MFD_CLOEXEC);
  if (capture_fd_ < 0) return;  // then the messages stay where they were going
  saved_stderr_ = ::dup(STDERR_FILENO);
  if (saved_stderr_ < 0 || ::dup2(capture_fd_, STDERR_FILENO) < 0) {
    if (saved_stderr_ >= 0) ::close(saved_stderr_);
    saved_stderr_ = -1;
  }
}

StderrCapture::~StderrCapture() {
  if (saved_stderr_ >= 0) {
    std::fflush(stderr);
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
  }
  if (capture_fd_ >= 0) ::close(capture_fd_);
}

std::string StderrCapture::text() const {
  if (capture_fd_ < 0 || saved_stderr_ < 0) return "";
  std::fflush(stderr);
  std::string text(64 << 10, '\0');
  const ssize_t n = ::pread(capture_fd_, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

}  // namespace diarize
