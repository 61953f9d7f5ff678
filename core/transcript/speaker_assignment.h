// Who said what: gives each word of a transcript (or each segment, when it has no word times) the
// speaker of the diarization's exclusive turns, and splits segments where the speaker changes.
//
// Rules (docs/output.md has a worked example):
// - An interval (a word, or a segment without timed words) gets the speaker whose turns overlap
//   it longest in total; on a tie (within 1 ns), the lower speaker index.
// - An interval that overlaps no turn gets the speaker of the nearest turn when the gap between
//   them is at most `max_gap_s` (1 s); ties again go to the lower index. Otherwise the speaker is
//   kUnknownSpeaker, printed "UNKNOWN".
// - A word without times takes the speaker of the previous timed word of its segment; leading
//   untimed words take the next timed word's (so a piece of a split segment always has times).
//   A segment none of whose words has times is assigned as a whole, with its own times.
// - A segment whose words change speaker is split before the first word of each new speaker;
//   the pieces' times come from their timed words, their text from the segment's text.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"
#include "transcript/transcript.h"

namespace diarize {

inline constexpr int kUnknownSpeaker = -1;

struct AssignmentConfig {
  double max_gap_s = 1.0;  // how far (seconds) a word outside every turn may be from the nearest one
};

struct AttributedWord {
  std::string text;
  double start_s = 0.0;
  double end_s = 0.0;
  bool timed = false;
  int speaker = kUnknownSpeaker;  // index into Diarization::labels, or kUnknownSpeaker
};

struct AttributedCue {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string text;
  int speaker = kUnknownSpeaker;
};

struct AttributedTranscript {
  // Every word in order; a segment without words contributes itself as one entry.
  std::vector<AttributedWord> words;
  // The segments in order, split where the speaker changes.
  std::vector<AttributedCue> cues;
};

// The speaker of [start_s, end_s] under the rules above.
int speaker_for_interval(const std::vector<SpeakerTurn>& turns, double start_s, double end_s,
                         const AssignmentConfig& config = {});

AttributedTranscript assign_speakers(const Transcript& transcript, const std::vector<SpeakerTurn>& exclusive_turns,
                                     const AssignmentConfig& config = {});

// labels[speaker], or "UNKNOWN" for kUnknownSpeaker.
std::string speaker_name(const std::vector<std::string>& labels, int speaker);

}  // namespace diarize
