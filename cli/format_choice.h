// Which output formats a run writes: --format (one or several), else the extension of -o FILE,
// else RTTM; and where each may go (docs/cli.md, "Formats"). Breaking a rule is a usage error.
#pragma once

#include <string>
#include <vector>

#include "output/result_formats.h"

namespace diarize {

struct FormatRequest {
  std::vector<OutputFormat> requested;  // --format values, empty when not given
  std::string output;                   // -o value ("" or "-" for stdout)
  bool to_folder = false;               // -o names a folder
  bool several_inputs = false;          // more than one input, or a folder input
  bool has_transcript = false;          // --transcript given
};

// The formats to write, in the order given. Throws UsageError.
std::vector<OutputFormat> choose_formats(const FormatRequest& request);

}  // namespace diarize
