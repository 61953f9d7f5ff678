// Reads speaker turns to score from RTTM, or from diarize's own JSON / JSON Lines output, so a
// hypothesis can be scored in whichever format `diarize` wrote it.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "output/rttm.h"

namespace diarize {

// The format is told by the first non-blank character: '{' means diarize JSON (one object, or one
// object per line), anything else RTTM. Malformed content throws InputError "<origin>:<line>: <reason>".
std::vector<RttmTurn> parse_turns(std::istream& in, const std::string& origin);
// "-" reads stdin.
std::vector<RttmTurn> read_turns_file(const std::string& path);

}  // namespace diarize
