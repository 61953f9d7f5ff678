// Where each input's result goes: stdout (RTTM one file after the other, JSON Lines, or TSV
// tables), one file, or one file per input and format in a folder (names:
// output/output_naming.h), all named and checked before any work.
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
  // Names every output and checks them before any work. Throws UsageError for -o FILE with
  // several inputs (`input_count` counts those that already failed too), for the format rules
  // (format_choice.h), for two inputs that would share an output, and for an output that cannot
  // be written (output/atomic_file.h).
  OutputWriter(const RunOptions& options, const std::vector<InputItem>& items, size_t input_count);

  const std::vector<OutputFormat>& formats() const { return formats_; }
  // The output file of items[index] in formats()[k], or "" for stdout.
  const std::string& target(size_t index, size_t k) const { return targets_[index][k]; }
  // Whether every output file of items[index] exists (false when writing to stdout).
  bool all_outputs_exist(size_t index) const;
  // Writes the result of items[index] in every format (`transcript`: the attributed transcript,
  // or nullptr); files are written atomically, stdout's writes are checked (stdout_stream.h).
  void write(size_t index, const FileResult& result, const AttributedTranscript* transcript) const;

 private:
  const RunOptions& options_;
  std::vector<OutputFormat> formats_;
  std::vector<std::vector<std::string>> targets_;  // [input][format]
};

}  // namespace diarize
