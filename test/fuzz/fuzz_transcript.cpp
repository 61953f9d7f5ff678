// libFuzzer target: the transcript readers (SRT, WebVTT, Whisper-family JSON) must turn any text
// into a transcript or their documented TranscriptError "<origin>:<line>: <reason>". A transcript
// that reads is then given speakers and written as SRT, WebVTT, text and JSON, which must not
// fail either; the readers' promises (one-line texts, ordered finite times) are checked too.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "output/json_output.h"
#include "output/subtitles.h"
#include "output/transcript_text.h"
#include "transcript/speaker_assignment.h"
#include "transcript/transcript_reader.h"

namespace {

bool one_line(const std::string& text) { return text.find_first_of("\r\n") == std::string::npos; }

void check_times(double start_s, double end_s) {
  if (!std::isfinite(start_s) || !std::isfinite(end_s) || start_s < 0 || end_s < start_s) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace diarize;
  Transcript transcript;
  try {
    transcript = parse_transcript(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const TranscriptError&) {
    return 0;
  }
  for (const TranscriptSegment& segment : transcript.segments) {
    check_times(segment.start_s, segment.end_s);
    if (!one_line(segment.text)) std::abort();
    for (const TranscriptWord& word : segment.words) {
      if (word.timed) check_times(word.start_s, word.end_s);
      if (!one_line(word.text)) std::abort();
    }
  }
  FileResult result;
  result.diarization.labels = {"SPEAKER_00", "SPEAKER_01"};
  result.diarization.turns = {{0.5, 4.0, 0}, {3.5, 7.0, 1}, {9.0, 3600.0, 0}};
  const std::vector<SpeakerTurn> exclusive = {{0.5, 3.75, 0}, {3.75, 7.0, 1}, {9.0, 3600.0, 0}};
  const AttributedTranscript attributed = assign_speakers(transcript, exclusive);
  for (const AttributedCue& cue : attributed.cues) check_times(cue.start_s, cue.end_s);
  const std::vector<SubtitleCue> cues = subtitle_cues(result.diarization.labels, exclusive, &attributed);
  format_srt(cues);
  format_webvtt(cues);
  format_transcript_text(result.diarization.labels, attributed);
  format_json(result, &attributed);
  return 0;
}
