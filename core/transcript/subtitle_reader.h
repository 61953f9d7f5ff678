// Readers of the two subtitle formats recognisers write: SubRip (SRT) and WebVTT. Both give one
// transcript segment per cue (no word times); markup (<i>, <v Name>, {\an8}, ...) and cue
// settings are dropped, a cue's lines are joined by spaces, and cues without text are skipped.
#pragma once

#include <string>

#include "transcript/transcript.h"

namespace diarize {

// Throws TranscriptError "<origin>:<line>: <reason>".
Transcript parse_srt(const std::string& text, const std::string& origin);
Transcript parse_webvtt(const std::string& text, const std::string& origin);

// A cue time "HH:MM:SS,mmm" or "HH:MM:SS.mmm" (hours may have any number of digits and may be
// left out, the fraction may have 1 to 3 digits or be left out). False if it is not one.
bool parse_cue_time(const std::string& text, double& seconds);

}  // namespace diarize
