// Small helpers shared by everything that handles a diarization result.
#include "output/diarization.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "output/output_naming.h"

namespace diarize {

std::string speaker_label(int k) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "SPEAKER_%02d", k);
  return buffer;
}

std::string sanitize_uri(std::string uri) {
  for (char& c : uri)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f) c = '_';
  return uri;
}

std::string uri_for_path(const std::string& path) {
  const std::string name = sanitize_uri(file_stem(path));
  return name.empty() ? "audio" : name;
}

void sort_turns(std::vector<SpeakerTurn>& turns) {
  std::stable_sort(turns.begin(), turns.end(), [](const SpeakerTurn& a, const SpeakerTurn& b) {
    return std::tie(a.start_s, a.end_s, a.speaker) < std::tie(b.start_s, b.end_s, b.speaker);
  });
}

}  // namespace diarize
