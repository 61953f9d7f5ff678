// The progress line on stderr ("file 3/20 talk.wav: embeddings 12/40"), redrawn in place with
// \r. Drawn only when stderr is a terminal and --quiet is off; everything else that goes to
// stderr first clears it, so lines never interleave.
#pragma once

#include <chrono>
#include <string>

#include "engine/engine_api.h"

namespace diarize {

class ProgressDisplay {
 public:
  explicit ProgressDisplay(bool enabled) : enabled_(enabled) {}
  ~ProgressDisplay() { clear(); }

  // Whether the current process should draw progress at all.
  static bool wanted(bool quiet);

  void start_file(int index, int total, const std::string& path);
  void update(const ProgressEvent& event);
  // Erases the line if one is drawn.
  void clear();
  // Clears the line, then prints `line` and a newline on stderr.
  void print_line(const std::string& line);

 private:
  void draw(const std::string& text);
  bool enabled_;
  bool drawn_ = false;
  std::string prefix_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace diarize
