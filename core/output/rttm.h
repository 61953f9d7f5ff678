// RTTM writing (exactly as NIST / pyannote.core print it) and reading (for scoring and tests).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "output/diarization.h"

namespace diarize {

// `SPEAKER <uri> 1 <onset %.3f> <duration %.3f> <NA> <NA> <label> <NA> <NA>` per turn of the
// selected diarization (regular by default).
std::string format_rttm(const std::string& uri, const Diarization& diarization,
                        TurnSelection which = TurnSelection::kRegular);

struct RttmTurn {
  std::string uri;
  int channel = 1;
  double start_s = 0.0;
  double duration_s = 0.0;
  std::string speaker;
  double end_s() const { return start_s + duration_s; }
};

// Parses RTTM text. Lines of other types (SPKR-INFO, ...) and blank or ';;' comment lines are
// skipped. A malformed SPEAKER line throws std::runtime_error "<origin>:<line>: <reason>".
std::vector<RttmTurn> parse_rttm(std::istream& in, const std::string& origin);
std::vector<RttmTurn> read_rttm_file(const std::string& path);

}  // namespace diarize
