// UEM (un-partitioned evaluation map) reading: which time regions of each file are scored.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

namespace diarize {

struct TimeRegion {
  double start_s = 0.0;
  double end_s = 0.0;
};

// uri -> scored regions, sorted and merged (no two regions touch or overlap).
using Uem = std::map<std::string, std::vector<TimeRegion>>;

// Sorts regions and merges the ones that overlap or touch; drops empty ones.
std::vector<TimeRegion> merge_regions(std::vector<TimeRegion> regions);

// Parses `<file> <channel> <onset> <offset>` lines. The channel may be `NA`, `<NA>` or a number;
// a file may have several lines (their union is scored). Blank lines and lines starting with ';'
// are skipped. A malformed line throws InputError "<origin>:<line>: <reason>".
Uem parse_uem(std::istream& in, const std::string& origin);
Uem read_uem_file(const std::string& path);

}  // namespace diarize
