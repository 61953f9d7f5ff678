// The progress line on stderr ("file 3/20 talk.wav: embeddings 12/40"), redrawn in place with
// \r. Drawn only when stderr is a terminal and --quiet is off; everything else that goes to
// stderr first clears it, so lines never interleave. On a terminal that knows no ANSI escapes
// (TERM=dumb or unset) the line is cleared with spaces instead of "\e[K".
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/engine_api.h"

namespace diarize {

class ProgressDisplay {
 public:
  // `out` is stderr but for tests; `ansi`: whether the terminal takes "\e[K" (erase to end of line).
  explicit ProgressDisplay(bool enabled, bool ansi = terminal_takes_ansi(), FILE* out = stderr)
      : enabled_(enabled), ansi_(ansi), out_(out) {}
  ~ProgressDisplay() { clear(); }

  // Whether the current process should draw progress at all.
  static bool wanted(bool quiet);
  // Whether $TERM names a terminal with ANSI escapes: not unset, empty or "dumb".
  static bool terminal_takes_ansi();

  void start_file(int index, int total, const std::string& path);
  void update(const ProgressEvent& event);
  // Erases the line if one is drawn.
  void clear();
  // Clears the line, then prints `line` and a newline on stderr.
  void print_line(const std::string& line);

 private:
  void draw(const std::string& text);
  void erase_line();
  bool enabled_;
  bool ansi_;
  FILE* out_;
  bool drawn_ = false;
  size_t drawn_bytes_ = 0;  // length of the line on screen, for clearing without escapes
  std::string prefix_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace diarize
