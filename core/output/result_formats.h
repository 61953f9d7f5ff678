// The output formats of `diarize INPUT...` in one table (name, file extension, where they may go)
// and one function that writes a result in any of them.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "transcript/speaker_assignment.h"

namespace diarize {

enum class OutputFormat { kRttm, kJson, kSrt, kWebVtt, kText, kTsv, kAudacity, kSvg };

struct FormatInfo {
  OutputFormat format;
  const char* name;                // --format value
  const char* extension;           // of the file written per input with -o DIR/, without the dot ("labels.txt")
  bool inferred_from_extension;    // -o FILE with this extension picks the format (not audacity's .txt)
  bool several_inputs_on_stdout;   // may print several inputs one after the other on stdout
  bool needs_transcript;
};

const std::vector<FormatInfo>& output_formats();
const FormatInfo& format_info(OutputFormat format);
// nullptr for an unknown name.
const FormatInfo* format_by_name(const std::string& name);
// The format `-o PATH` implies by its extension, or nullptr.
const FormatInfo* format_for_path(const std::string& path);

// `result` in `format`. `turns` selects the regular or exclusive turns for the formats that show
// turns (RTTM, TSV, Audacity, SVG); subtitles without a transcript always show the exclusive
// turns, JSON always carries both. `transcript` is the attributed transcript, or nullptr.
std::string format_result(OutputFormat format, const FileResult& result, TurnSelection turns,
                          const AttributedTranscript* transcript);

}  // namespace diarize
