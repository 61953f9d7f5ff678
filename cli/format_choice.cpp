// Format rules: inference from -o FILE's extension, conflicts, and what stdout can hold.
#include "format_choice.h"

#include <algorithm>

#include "errors.h"

namespace diarize {

namespace {

std::string extension_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return path.substr(dot);
}

std::string names_of_formats(bool (*keep)(const FormatInfo&)) {
  std::string names;
  for (const FormatInfo& info : output_formats())
    if (keep(info)) names += std::string(names.empty() ? "" : ", ") + info.name;
  return names;
}

}  // namespace

std::vector<OutputFormat> choose_formats(const FormatRequest& request) {
  std::vector<OutputFormat> formats;
  for (const OutputFormat f : request.requested)
    if (std::find(formats.begin(), formats.end(), f) == formats.end()) formats.push_back(f);
  const bool to_stdout = request.output.empty() || request.output == "-";
  const bool to_file = !to_stdout && !request.to_folder;

  if (to_file) {
    const FormatInfo* implied = format_for_path(request.output);
    if (formats.empty()) {
      if (!implied)
        throw UsageError("-o " + request.output + ": cannot tell the format from the extension '" +
                         extension_of(request.output) + "' (known: .rttm .json .srt .vtt .txt .tsv .svg); give --format");
      formats.push_back(implied->format);
    } else if (formats.size() > 1) {
      throw UsageError("several formats need an output folder (-o DIR/), not -o " + request.output);
    } else if (implied && implied->format != formats[0] &&
               !(formats[0] == OutputFormat::kAudacity && implied->format == OutputFormat::kText)) {
      throw UsageError("--format " + std::string(format_info(formats[0]).name) + " conflicts with the extension of -o " +
                       request.output);
    }
  }
  if (formats.empty()) formats.push_back(OutputFormat::kRttm);

  if (to_stdout && formats.size() > 1) throw UsageError("several formats need an output folder (-o DIR/)");
  for (const OutputFormat f : formats) {
    const FormatInfo& info = format_info(f);
    if (info.needs_transcript && !request.has_transcript)
      throw UsageError("--format " + std::string(info.name) + " needs --transcript");
    if (to_stdout && request.several_inputs && !info.several_inputs_on_stdout)
      throw UsageError("--format " + std::string(info.name) + " with several inputs needs an output folder (-o DIR/); " +
                       "on stdout only " + names_of_formats([](const FormatInfo& i) { return i.several_inputs_on_stdout; }) +
                       " can hold several inputs");
  }
  return formats;
}

}  // namespace diarize
