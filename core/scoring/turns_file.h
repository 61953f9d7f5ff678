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
// TurnSelection::kExclusive reads the JSON `exclusive_segments`; an RTTM, or a JSON object without
// them, is then an InputError (an RTTM holds one diarization, which may not be the exclusive one).
std::vector<RttmTurn> parse_turns(std::istream& in, const std::string& origin,
                                  TurnSelection which = TurnSelection::kRegular);
// "-" reads stdin.
std::vector<RttmTurn> read_turns_file(const std::string& path, TurnSelection which = TurnSelection::kRegular);

}  // namespace diarize
