// SRT and WebVTT writers over one list of cues.
#include "output/subtitles.h"

#include "output/markup_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace diarize {

namespace {

// WebVTT has no quoting rule for '"', and its own references are only &amp; &lt; &gt; and a few more.
std::string escape_webvtt(const std::string& text) { return markup_text(text, false); }

}  // namespace

std::vector<SubtitleCue> subtitle_cues(const std::vector<std::string>& labels,
                                       const std::vector<SpeakerTurn>& exclusive_turns,
                                       const AttributedTranscript* transcript) {
  std::vector<SubtitleCue> cues;
  if (transcript) {
    for (const AttributedCue& cue : transcript->cues)
      cues.push_back({cue.start_s, cue.end_s, speaker_name(labels, cue.speaker), cue.text, true});
    return cues;
  }
  for (const SpeakerTurn& turn : exclusive_turns) {
    const std::string label = speaker_name(labels, turn.speaker);
    cues.push_back({turn.start_s, turn.end_s, label, label, false});
  }
  return cues;
}

std::string format_cue_time(double seconds, char separator) {
  const long long total_ms = std::llround(std::max(0.0, seconds) * 1000.0);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld%c%03lld", total_ms / 3600000, total_ms / 60000 % 60,
                total_ms / 1000 % 60, separator, total_ms % 1000);
  return buffer;
}

std::string format_srt(const std::vector<SubtitleCue>& cues) {
  std::string out;
  for (size_t i = 0; i < cues.size(); ++i) {
    const SubtitleCue& cue = cues[i];
    out += std::to_string(i + 1) + "\n";
    out += format_cue_time(cue.start_s, ',') + " --> " + format_cue_time(cue.end_s, ',') + "\n";
    out += cue.from_transcript ? "[" + cue.speaker + "] " + cue.text : cue.text;
    out += "\n\n";
  }
  return out;
}

std::string format_webvtt(const std::vector<SubtitleCue>& cues) {
  std::string out = "WEBVTT\n\n";
  for (const SubtitleCue& cue : cues) {
    out += format_cue_time(cue.start_s, '.') + " --> " + format_cue_time(cue.end_s, '.') + "\n";
    out += "<v " + escape_webvtt(cue.speaker) + ">" + escape_webvtt(cue.text) + "\n\n";
  }
  return out;
}

}  // namespace diarize
