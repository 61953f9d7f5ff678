// Where each input's result goes: stdout (RTTM one file after the other, or JSON Lines), one
// file, or one file per input in a folder that mirrors the inputs' relative paths.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "output/input_discovery.h"
#include "run_options.h"

namespace diarize {

class OutputWriter {
 public:
  // Throws UsageError for -o FILE with several inputs, and for an output that cannot be written
  // (checked before any work: output/atomic_file.h).
  OutputWriter(const RunOptions& options, size_t input_count, bool any_folder_input);

  // UsageError when an output name in the folder would be too long for the file system.
  void check_names(const std::vector<InputItem>& items) const;

  // The output file for `item`, or "" for stdout.
  std::string target_for(const InputItem& item) const;
  // Writes the formatted result; files are written atomically.
  void write(const InputItem& item, const FileResult& result) const;

  std::string format(const FileResult& result) const;

 private:
  const RunOptions& options_;
  bool to_folder_ = false;
};

}  // namespace diarize
