// Where each input's result goes: stdout (RTTM one file after the other, or JSON Lines), one
// file, or one file per input in a folder that mirrors the inputs' relative paths.
#pragma once

#include <string>

#include "output/diarization.h"
#include "output/input_discovery.h"
#include "run_options.h"

namespace diarize {

class OutputWriter {
 public:
  // Throws UsageError for -o FILE with several inputs.
  OutputWriter(const RunOptions& options, size_t input_count, bool any_folder_input);

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
