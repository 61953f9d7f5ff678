// Reads a transcript file of any supported kind, recognised by its content (not its name):
// a file whose first non-blank text is "WEBVTT" is WebVTT, '{' is Whisper-family JSON
// (whisper.cpp, OpenAI Whisper, WhisperX), anything else is read as SRT. An empty file is a
// transcript without segments (recognisers write one for silence).
#pragma once

#include <string>

#include "transcript/transcript.h"

namespace diarize {

// Throws TranscriptError "<origin>:<line>: <reason>".
Transcript parse_transcript(const std::string& text, const std::string& origin);

// Reads and parses `path` (errors name `path`); an unreadable file is a TranscriptError too.
Transcript read_transcript_file(const std::string& path);

}  // namespace diarize
