// Terminal progress line (see progress_display.h).
#include "progress_display.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "isolation/interrupt_handler.h"

namespace diarize {

bool ProgressDisplay::wanted(bool quiet) { return !quiet && ::isatty(STDERR_FILENO); }

bool ProgressDisplay::terminal_takes_ansi() {
  const char* term = std::getenv("TERM");
  return term && *term && std::strcmp(term, "dumb") != 0;
}

void ProgressDisplay::erase_line() {
  if (ansi_) {
    std::fputs("\r\033[K", out_);
  } else {
    std::fputc('\r', out_);
    for (size_t i = 0; i < drawn_bytes_; ++i) std::fputc(' ', out_);
    std::fputc('\r', out_);
  }
  drawn_bytes_ = 0;
}

void ProgressDisplay::start_file(int index, int total, const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  prefix_ = "file " + std::to_string(index) + "/" + std::to_string(total) + " " + name + ": ";
  last_draw_ = {};
  draw("decoding");
}

void ProgressDisplay::update(const ProgressEvent& event) {
  if (!enabled_) return;
  // A terminal redrawn thousands of times a second only costs time; 10 Hz reads fine.
  const auto now = std::chrono::steady_clock::now();
  if (event.done < event.total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  draw(event.stage + " " + std::to_string(event.done) + "/" + std::to_string(event.total));
}

void ProgressDisplay::draw(const std::string& text) {
  if (!enabled_) return;
  last_draw_ = std::chrono::steady_clock::now();
  erase_line();
  std::fprintf(out_, "%s%s", prefix_.c_str(), text.c_str());
  std::fflush(out_);
  drawn_bytes_ = prefix_.size() + text.size();
  drawn_ = true;
  InterruptHandler::set_progress_line_open(true);
}

void ProgressDisplay::clear() {
  if (!drawn_) return;
  erase_line();
  std::fflush(out_);
  drawn_ = false;
  InterruptHandler::set_progress_line_open(false);
}

void ProgressDisplay::print_line(const std::string& line) {
  clear();
  std::fprintf(out_, "%s\n", line.c_str());
}

}  // namespace diarize
