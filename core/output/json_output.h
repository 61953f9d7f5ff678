// JSON output, schema "diarize.result/1" (documented in docs/output.md). One object per input;
// several inputs on stdout form JSON Lines.
#pragma once

#include <string>

#include "output/diarization.h"
#include "transcript/speaker_assignment.h"

namespace diarize {

inline constexpr const char* kJsonSchema = "diarize.result/1";

// One line of JSON (no trailing newline). Always has a per-speaker "summary" (from the regular
// turns); with a transcript, also its "words" with their speakers (docs/output.md).
std::string format_json(const FileResult& result, const AttributedTranscript* transcript = nullptr);
// Parses what format_json wrote (round trips, tests, and `diarize score` on JSON hypotheses).
// Throws std::runtime_error on anything that does not follow the schema. `has_exclusive_segments`
// (optional) tells whether the object carried `exclusive_segments` (files of older versions do not).
FileResult parse_json(const std::string& text, bool* has_exclusive_segments = nullptr);

}  // namespace diarize
