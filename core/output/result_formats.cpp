// Format table and dispatch to the formatters.
#include "output/result_formats.h"

#include <stdexcept>

#include "output/json_output.h"
#include "output/rttm.h"
#include "output/subtitles.h"
#include "output/timeline_svg.h"
#include "output/transcript_text.h"
#include "output/turn_tables.h"

namespace diarize {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The SVG's title: the file's name without its folders.
std::string display_name(const std::string& file) {
  if (file == "-") return "stdin";
  const size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

}  // namespace

const std::vector<FormatInfo>& output_formats() {
  static const std::vector<FormatInfo> formats = {
      {OutputFormat::kRttm, "rttm", "rttm", true, true, false},
      {OutputFormat::kJson, "json", "json", true, true, false},
      {OutputFormat::kSrt, "srt", "srt", true, false, false},
      {OutputFormat::kWebVtt, "vtt", "vtt", true, false, false},
      {OutputFormat::kText, "txt", "txt", true, false, true},
      {OutputFormat::kTsv, "tsv", "tsv", true, true, false},
      {OutputFormat::kAudacity, "audacity", "labels.txt", false, false, false},
      {OutputFormat::kSvg, "svg", "svg", true, false, false},
  };
  return formats;
}

const FormatInfo& format_info(OutputFormat format) {
  for (const FormatInfo& info : output_formats())
    if (info.format == format) return info;
  throw std::logic_error("format without an entry in output_formats()");
}

const FormatInfo* format_by_name(const std::string& name) {
  for (const FormatInfo& info : output_formats())
    if (name == info.name) return &info;
  return nullptr;
}

const FormatInfo* format_for_path(const std::string& path) {
  for (const FormatInfo& info : output_formats())
    if (info.inferred_from_extension && ends_with(path, std::string(".") + info.extension)) return &info;
  return nullptr;
}

std::string format_result(OutputFormat format, const FileResult& result, TurnSelection turns,
                          const AttributedTranscript* transcript) {
  const Diarization& d = result.diarization;
  switch (format) {
    case OutputFormat::kRttm:
      return format_rttm(result.uri, d, turns);
    case OutputFormat::kJson:
      return format_json(result, transcript) + "\n";
    case OutputFormat::kSrt:
      return format_srt(subtitle_cues(d.labels, d.exclusive_turns, transcript));
    case OutputFormat::kWebVtt:
      return format_webvtt(subtitle_cues(d.labels, d.exclusive_turns, transcript));
    case OutputFormat::kText:
      if (!transcript) throw std::logic_error("the txt format needs a transcript");
      return format_transcript_text(d.labels, *transcript);
    case OutputFormat::kTsv:
      return format_tsv(d.labels, selected_turns(d, turns));
    case OutputFormat::kAudacity:
      return format_audacity_labels(d.labels, selected_turns(d, turns));
    case OutputFormat::kSvg:
      return format_timeline_svg(display_name(result.file), result.duration_s, d.labels, selected_turns(d, turns));
  }
  throw std::logic_error("unknown output format");
}

}  // namespace diarize
