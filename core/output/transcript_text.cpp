// Plain-text transcript writer: consecutive cues of one speaker become one paragraph.
#include "output/transcript_text.h"

namespace diarize {

std::string format_transcript_text(const std::vector<std::string>& labels, const AttributedTranscript& transcript) {
  std::string out;
  bool open = false;
  int speaker = kUnknownSpeaker;
  for (const AttributedCue& cue : transcript.cues) {
    if (open && cue.speaker == speaker) {
      out += " " + cue.text;
      continue;
    }
    if (open) out += "\n\n";
    out += speaker_name(labels, cue.speaker) + ": " + cue.text;
    speaker = cue.speaker;
    open = true;
  }
  if (open) out += "\n";
  return out;
}

}  // namespace diarize
