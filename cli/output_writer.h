// Where each input's result goes: stdout (RTTM one file after the other, or JSON Lines), one
// file, or one file per input in a folder (names: output/output_naming.h).
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "output/input_discovery.h"
#include "run_options.h"

namespace diarize {

class OutputWriter {
 public:
  // Names every output and checks them before any work. Throws UsageError for -o FILE with
  // several inputs (`input_count` counts those that already failed too), two inputs that would
  // share an output, and an output that cannot be written (output/atomic_file.h).
  OutputWriter(const RunOptions& options, const std::vector<InputItem>& items, size_t input_count);

  // The output file for items[index], or "" for stdout.
  const std::string& target(size_t index) const { return targets_[index]; }
  // Writes the formatted result of items[index]; files are written atomically.
  void write(size_t index, const FileResult& result) const;

  std::string format(const FileResult& result) const;

 private:
  const RunOptions& options_;
  std::vector<std::string> targets_;
};

}  // namespace diarize
