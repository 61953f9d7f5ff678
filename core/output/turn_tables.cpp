// TSV and Audacity label writers: one line per turn, fixed decimals.
#include "output/turn_tables.h"

#include <cstdio>

#include "transcript/speaker_assignment.h"

namespace diarize {

namespace {
std::string table(const std::vector<std::string>& labels, const std::vector<SpeakerTurn>& turns, const char* number) {
  std::string out;
  char buffer[128];
  const std::string pattern = std::string(number) + "\t" + number + "\t";
  for (const SpeakerTurn& turn : turns) {
    std::snprintf(buffer, sizeof(buffer), pattern.c_str(), turn.start_s, turn.end_s);
    out += buffer + speaker_name(labels, turn.speaker) + "\n";
  }
  return out;
}
}  // namespace

std::string format_tsv(const std::vector<std::string>& labels, const std::vector<SpeakerTurn>& turns) {
  return "start\tend\tspeaker\n" + table(labels, turns, "%.3f");
}

std::string format_audacity_labels(const std::vector<std::string>& labels, const std::vector<SpeakerTurn>& turns) {
  return table(labels, turns, "%.6f");
}

}  // namespace diarize
