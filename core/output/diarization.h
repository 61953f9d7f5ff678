// The result of diarizing one input: plain data that the formatters, the child protocol and the
// scorer share.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace diarize {

struct SpeakerTurn {
  double start_s = 0.0;
  double end_s = 0.0;
  int speaker = 0;  // index into Diarization::labels
};

struct Diarization {
  std::vector<std::string> labels;               // "SPEAKER_00", ...
  std::vector<SpeakerTurn> turns;                // regular diarization, sorted by (start, end, speaker)
  // The exclusive diarization (pyannote 4.x): at most one speaker at any time, the same labels,
  // sorted the same way. Every engine path fills both; --exclusive selects this one for printing.
  std::vector<SpeakerTurn> exclusive_turns;
  std::vector<std::vector<float>> centroids;     // one per label when requested, else empty
};

// Everything printed about one input.
struct FileResult {
  std::string uri;        // RTTM file id
  std::string file;       // the input path as given ("-" for stdin)
  double duration_s = 0.0;
  Diarization diarization;
  std::string device;     // device that produced the result ("cpu", "cuda", ...)
  std::string fallback;   // why an accelerator attempt was abandoned, empty if none
  std::string embedding;  // embedding used ("builtin", or the model's description)
  std::string pipeline;   // "community-1", "3.1" or "builtin" (pipeline_label)
  std::map<std::string, double> timings_s;  // stage -> seconds
};

// Which of a result's two diarizations to print or score.
enum class TurnSelection { kRegular, kExclusive };
inline const std::vector<SpeakerTurn>& selected_turns(const Diarization& d, TurnSelection which) {
  return which == TurnSelection::kExclusive ? d.exclusive_turns : d.turns;
}

// "SPEAKER_00" style label for cluster index `k` (pyannote's rename_labels scheme).
std::string speaker_label(int k);

// An RTTM uri is one whitespace-free field: every byte 0x00-0x20 (controls, space) and 0x7F
// becomes '_', so no name can split or add a field or a record.
std::string sanitize_uri(std::string uri);

// The RTTM uri for an input path: its sanitised file stem, "stdin" for "-" ("audio" if empty).
std::string uri_for_path(const std::string& path);

// Sorts turns by (start, end, speaker) as pyannote's Annotation iterates them.
void sort_turns(std::vector<SpeakerTurn>& turns);

}  // namespace diarize
