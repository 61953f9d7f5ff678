// Subtitles with speakers: SubRip (SRT) and WebVTT. With a transcript, one cue per (split)
// transcript segment, "[SPEAKER_00] words" / "<v SPEAKER_00>words"; without one, one cue per
// exclusive turn whose text is its label (video editors import these as speaker markers).
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "transcript/speaker_assignment.h"

namespace diarize {

struct SubtitleCue {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string speaker;          // label, or "UNKNOWN"
  std::string text;             // the words; for a cue made from a turn, the label
  bool from_transcript = false;
};

// The cues of `transcript` when it is given, else one per exclusive turn.
std::vector<SubtitleCue> subtitle_cues(const std::vector<std::string>& labels,
                                       const std::vector<SpeakerTurn>& exclusive_turns,
                                       const AttributedTranscript* transcript);

// Numbered from 1, "HH:MM:SS,mmm --> HH:MM:SS,mmm", a blank line after each cue.
std::string format_srt(const std::vector<SubtitleCue>& cues);
// "WEBVTT", then "HH:MM:SS.mmm --> HH:MM:SS.mmm" cues with a voice span; & < > escaped.
std::string format_webvtt(const std::vector<SubtitleCue>& cues);

// "HH:MM:SS<separator>mmm", rounded to the millisecond (hours grow past 99 if they must).
std::string format_cue_time(double seconds, char separator);

}  // namespace diarize
