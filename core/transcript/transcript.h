// A speech recogniser's transcript as diarize reads it: segments (cues) with times and text, and,
// when the recogniser gave them, words with their own times. Plain data shared by the readers,
// the speaker assignment and the formatters.
#pragma once

#include <string>
#include <vector>

#include "errors.h"

namespace diarize {

struct TranscriptWord {
  std::string text;      // as the recogniser spelled it, on one line, without surrounding white space
  double start_s = 0.0;  // meaningful only when `timed`
  double end_s = 0.0;
  bool timed = false;    // WhisperX leaves words it could not align without times
};

struct TranscriptSegment {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string text;                   // one line: a cue's lines joined by spaces, markup removed
  std::vector<TranscriptWord> words;  // empty when the transcript has no word times
};

struct Transcript {
  std::string format;  // "srt", "webvtt", "whisper.cpp", "whisper", "whisperx": what was recognised
  std::vector<TranscriptSegment> segments;  // in the file's order
};

// A malformed transcript. what() is "<file>:<line>: <reason>" (or "<file>: <reason>" when no line
// applies), printed after "diarize: " as it is; the input it belongs to fails with exit code 1.
struct TranscriptError : InputError {
  using InputError::InputError;
};

// "<origin>:<line>: <reason>" as a TranscriptError.
TranscriptError transcript_error(const std::string& origin, int line, const std::string& reason);

}  // namespace diarize
