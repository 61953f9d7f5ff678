// Checked writes to stdout (see stdout_stream.h).
#include "stdout_stream.h"

#include <cerrno>
#include <cstdio>

#include "errors.h"

namespace diarize {

void write_stdout(const std::string& text) {
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
    throw StdoutError(errno != 0 ? errno : EIO);
}

void finish_stdout() {
  errno = 0;
  if (std::fflush(stdout) != 0) throw StdoutError(errno != 0 ? errno : EIO);
  // An earlier write failed and its data is gone, even if this flush had nothing left to say.
  if (std::ferror(stdout)) throw StdoutError(EIO);
}

}  // namespace diarize
