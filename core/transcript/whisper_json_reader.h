// Readers of the JSON transcripts of the Whisper family:
// - whisper.cpp (`whisper-cli -oj`): "transcription": [{"offsets": {"from": ms, "to": ms}, "text"}],
//   and with `-ojf` each entry's "tokens": [{"text", "offsets": {...}}, ...]. Tokens are sub-words:
//   one whose text starts with a space starts a word, the others continue the word before them
//   (punctuation included); special tokens ("[_BEG_]", "[_TT_42]", ...) are skipped. A word's
//   times run from its first timed token's start to its last timed token's end.
// - OpenAI Whisper (`--output_format json`): "segments": [{"start", "end", "text",
//   "words": [{"word", "start", "end", "probability"}]}] (words only with --word_timestamps).
// - WhisperX: the same layout with "score" instead of "probability"; a word its aligner could not
//   place has no "start"/"end" (or NaN) and is read as a word without times.
#pragma once

#include <string>

#include "transcript/transcript.h"

namespace diarize {

// Throws TranscriptError "<origin>:<line>: <reason>" for malformed JSON or an unknown layout.
Transcript parse_whisper_json(const std::string& text, const std::string& origin);

}  // namespace diarize
