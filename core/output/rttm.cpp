// RTTM writer and a strict reader that reports malformed lines with their numbers.
#include "output/rttm.h"

#include "output/text_fields.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace diarize {

std::string format_rttm(const std::string& uri, const Diarization& diarization, TurnSelection which) {
  std::string out;
  char line[512];
  for (const SpeakerTurn& turn : selected_turns(diarization, which)) {
    const std::string& label = diarization.labels.at(static_cast<size_t>(turn.speaker));
    const int n = std::snprintf(line, sizeof(line), "SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>\n", uri.c_str(),
                                turn.start_s, turn.end_s - turn.start_s, label.c_str());
    if (n > 0 && static_cast<size_t>(n) < sizeof(line)) {
      out.append(line, static_cast<size_t>(n));
    } else {  // absurdly long uri: format in pieces
      std::snprintf(line, sizeof(line), " 1 %.3f %.3f <NA> <NA> ", turn.start_s, turn.end_s - turn.start_s);
      out += "SPEAKER " + uri + line + label + " <NA> <NA>\n";
    }
  }
  return out;
}

namespace {

// RTTM record types other than SPEAKER, which the scorer ignores.
bool is_other_record_type(const std::string& type) {
  static const char* known[] = {"SPKR-INFO", "SEGMENT", "NOSCORE", "NO_RT_METADATA", "LEXEME", "NON-SPEECH",
                                "NON-LEX", "FILLER", "IP", "EDIT", "SU", "CB", "A/P", "NOISE"};
  for (const char* k : known)
    if (type == k) return true;
  return false;
}

}  // namespace

std::vector<RttmTurn> parse_rttm(std::istream& in, const std::string& origin) {
  std::vector<RttmTurn> turns;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::vector<std::string> fields = split_fields(line);
    if (fields.empty() || fields[0].rfind(";;", 0) == 0) continue;
    auto fail = [&](const std::string& why) {
      return std::runtime_error(origin + ":" + std::to_string(number) + ": " + why);
    };
    if (fields[0] != "SPEAKER") {
      if (is_other_record_type(fields[0])) continue;
      throw fail("unknown record type '" + fields[0] + "'");
    }
    if (fields.size() < 8) throw fail("a SPEAKER line needs at least 8 fields, found " + std::to_string(fields.size()));
    RttmTurn turn;
    turn.uri = fields[1];
    double channel = 0.0;
    if (fields[2] == "<NA>") {
      turn.channel = 1;
    } else if (!parse_finite_double(fields[2], channel) || channel < 0 || channel != std::floor(channel) || channel > 1e6) {
      throw fail("channel '" + fields[2] + "' is not a number");
    } else {
      turn.channel = static_cast<int>(channel);
    }
    if (!parse_finite_double(fields[3], turn.start_s)) throw fail("onset '" + fields[3] + "' is not a number");
    if (!parse_finite_double(fields[4], turn.duration_s)) throw fail("duration '" + fields[4] + "' is not a number");
    if (turn.start_s < 0) throw fail("negative onset " + fields[3]);
    if (turn.duration_s < 0) throw fail("negative duration " + fields[4]);
    turn.speaker = fields[7];
    turns.push_back(std::move(turn));
  }
  if (in.bad()) throw std::runtime_error(origin + ": read error");
  return turns;
}

std::vector<RttmTurn> read_rttm_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": " + std::strerror(errno));
  return parse_rttm(in, path);
}

}  // namespace diarize
