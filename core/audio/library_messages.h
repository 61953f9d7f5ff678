// What the audio libraries print on stderr while decoding (libmpg123's unprefixed "Note: ..."
// and "Warning: ..." lines, printed even with --quiet) is captured here instead of reaching the
// terminal: diarize gives its own one-line reasons, and shows the captured text only with -v.
#pragma once

#include <string>

namespace diarize {

// While alive, file descriptor 2 writes into a private in-memory file. The parent process is
// single-threaded while it decodes, so nothing else of its own is lost meanwhile.
class StderrCapture {
 public:
  StderrCapture();
  // Restores file descriptor 2.
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // What was written so far (at most 64 KiB of it).
  std::string text() const;

 private:
  int saved_stderr_ = -1;
  int capture_fd_ = -1;
};

}  // namespace diarize
