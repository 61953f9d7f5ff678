// Small helpers shared by everything that handles a diarization result.
#include "output/diarization.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace diarize {

std::string speaker_label(int k) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "SPEAKER_%02d", k);
  return buffer;
}

std::string uri_for_path(const std::string& path) {
  if (path == "-") return "stdin";
  std::string name = path;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  const size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  std::replace(name.begin(), name.end(), ' ', '_');
  return name.empty() ? "audio" : name;
}

void sort_turns(std::vector<SpeakerTurn>& turns) {
  std::stable_sort(turns.begin(), turns.end(), [](const SpeakerTurn& a, const SpeakerTurn& b) {
    return std::tie(a.start_s, a.end_s, a.speaker) < std::tie(b.start_s, b.end_s, b.speaker);
  });
}

}  // namespace diarize
