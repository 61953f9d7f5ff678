// Whitespace-separated text records (RTTM, UEM): splitting a line and strict number parsing.
#pragma once

#include <string>
#include <vector>

namespace diarize {

// The line's whitespace-separated fields (a trailing '\r' is ignored).
std::vector<std::string> split_fields(const std::string& line);

// A finite number spelled exactly by `text` (no trailing characters).
bool parse_finite_double(const std::string& text, double& value);

}  // namespace diarize
