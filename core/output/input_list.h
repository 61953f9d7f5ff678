// Lists of inputs for --files-from (one path a line) and --files-from0 (NUL-separated, as
// `find -print0` writes them). The entries become arguments exactly like positional ones
// (output/input_discovery.h), so they are walked and named the same way.
#pragma once

#include <string>
#include <vector>

namespace diarize {

enum class ListSeparator {
  kLine,  // one path a line; a trailing '\r' dropped; blank lines and '#' comment lines skipped
  kNul,   // NUL-separated raw paths; only empty entries are skipped
};

// The entries of a list's text. Paths are kept as written (a relative one is opened relative to
// the current folder), except that "-" becomes "./-": a list names files, never stdin.
std::vector<std::string> parse_input_list(const std::string& text, ListSeparator separator);

// Reads the list at `path` ("-": stdin) and parses it. Throws UsageError naming the list when it
// cannot be read: a list that is not there concerns the whole run, not one input.
std::vector<std::string> read_input_list(const std::string& path, ListSeparator separator);

}  // namespace diarize
