// Where each input's result goes: stdout (RTTM one file after the other, JSON Lines, or TSV
// tables), one file, or one file per input and format in a folder that mirrors the inputs'
// relative paths.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "output/input_discovery.h"
#include "run_options.h"
#include "transcript/speaker_assignment.h"

namespace diarize {

class OutputWriter {
 public:
  // Throws UsageError for -o FILE with several inputs and for the format rules (format_choice.h).
  OutputWriter(const RunOptions& options, size_t input_count, bool any_folder_input);

  const std::vector<OutputFormat>& formats() const { return formats_; }
  // The output file for `item` in `format`, or "" for stdout.
  std::string target_for(const InputItem& item, OutputFormat format) const;
  // Writes the result in every format (`transcript`: the attributed transcript, or nullptr);
  // files are written atomically.
  void write(const InputItem& item, const FileResult& result, const AttributedTranscript* transcript) const;

 private:
  const RunOptions& options_;
  bool to_folder_ = false;
  std::vector<OutputFormat> formats_;
};

}  // namespace diarize
