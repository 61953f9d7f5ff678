// UEM reader with line-numbered errors.
#include "scoring/uem.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "errors.h"
#include "output/text_fields.h"

namespace diarize {

namespace {

bool is_channel(const std::string& text) {
  if (text == "NA" || text == "<NA>") return true;
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<TimeRegion> merge_regions(std::vector<TimeRegion> regions) {
  std::sort(regions.begin(), regions.end(),
            [](const TimeRegion& a, const TimeRegion& b) { return a.start_s < b.start_s; });
  std::vector<TimeRegion> merged;
  for (const TimeRegion& r : regions) {
    if (!(r.end_s > r.start_s)) continue;
    if (!merged.empty() && r.start_s <= merged.back().end_s)
      merged.back().end_s = std::max(merged.back().end_s, r.end_s);
    else
      merged.push_back(r);
  }
  return merged;
}

Uem parse_uem(std::istream& in, const std::string& origin) {
  std::map<std::string, std::vector<TimeRegion>> raw;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::vector<std::string> fields = split_fields(line);
    if (fields.empty() || fields[0][0] == ';') continue;
    auto fail = [&](const std::string& why) {
      return InputError(origin + ":" + std::to_string(number) + ": " + why);
    };
    if (fields.size() != 4)
      throw fail("a UEM line needs 4 fields (<file> <channel> <onset> <offset>), found " +
                 std::to_string(fields.size()));
    if (!is_channel(fields[1])) throw fail("channel '" + fields[1] + "' is neither NA nor a number");
    TimeRegion region;
    if (!parse_finite_double(fields[2], region.start_s)) throw fail("onset '" + fields[2] + "' is not a number");
    if (!parse_finite_double(fields[3], region.end_s)) throw fail("offset '" + fields[3] + "' is not a number");
    if (region.start_s < 0) throw fail("negative onset " + fields[2]);
    if (region.end_s < region.start_s) throw fail("offset " + fields[3] + " is before onset " + fields[2]);
    raw[fields[0]].push_back(region);
  }
  if (in.bad()) throw InputError(origin + ": read error");
  Uem uem;
  for (auto& [uri, regions] : raw) uem[uri] = merge_regions(std::move(regions));
  return uem;
}

Uem read_uem_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": " + std::strerror(errno));
  return parse_uem(in, path);
}

}  // namespace diarize
