// Turn reading for the scorer: RTTM through parse_rttm, diarize JSON through parse_json.
#include "scoring/turns_file.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "errors.h"
#include "output/json_output.h"

namespace diarize {

namespace {

bool is_blank(const std::string& text) {
  for (unsigned char c : text)
    if (!std::isspace(c)) return false;
  return true;
}

// Parses one diarize JSON object and appends the selected turns.
void append_result(const std::string& text, TurnSelection which, std::vector<RttmTurn>& turns,
                   const std::string& where) {
  bool has_exclusive = false;
  const FileResult result = parse_json(text, &has_exclusive);
  if (which == TurnSelection::kExclusive && !has_exclusive)
    throw InputError(where + ": no exclusive_segments (written by an older diarize; run it again)");
  for (const SpeakerTurn& t : selected_turns(result.diarization, which)) {
    if (!(t.start_s >= 0) || !(t.end_s >= t.start_s))
      throw InputError(where + ": segment [" + std::to_string(t.start_s) + ", " + std::to_string(t.end_s) +
                       "] is not a valid time span");
    RttmTurn turn;
    turn.uri = result.uri;
    turn.start_s = t.start_s;
    turn.duration_s = t.end_s - t.start_s;
    turn.speaker = result.diarization.labels.at(static_cast<size_t>(t.speaker));
    turns.push_back(std::move(turn));
  }
}

std::vector<RttmTurn> parse_json_turns(const std::string& text, const std::string& origin, TurnSelection which) {
  std::vector<RttmTurn> turns;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool parsed_any = false;
  while (std::getline(lines, line)) {
    ++number;
    if (is_blank(line)) continue;
    const std::string where = origin + ":" + std::to_string(number);
    try {
      append_result(line, which, turns, where);
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& e) {
      // Not JSON Lines: maybe one pretty-printed object spanning the whole file.
      if (!parsed_any) {
        try {
          append_result(text, which, turns, origin);
          return turns;
        } catch (const InputError&) {
          throw;
        } catch (const std::exception&) {
        }
      }
      throw InputError(where + ": " + e.what());
    }
    parsed_any = true;
  }
  return turns;
}

}  // namespace

std::vector<RttmTurn> parse_turns(std::istream& in, const std::string& origin, TurnSelection which) {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(origin + ": read error");
  const std::string text = buffer.str();
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') return parse_json_turns(text, origin, which);
  if (which == TurnSelection::kExclusive)
    throw InputError(origin + ": --exclusive reads the exclusive_segments of diarize JSON; an RTTM holds one diarization");
  std::istringstream rttm(text);
  try {
    return parse_rttm(rttm, origin);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(e.what());
  }
}

std::vector<RttmTurn> read_turns_file(const std::string& path, TurnSelection which) {
  if (path == "-") return parse_turns(std::cin, "stdin", which);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": " + std::strerror(errno));
  return parse_turns(in, path, which);
}

}  // namespace diarize
