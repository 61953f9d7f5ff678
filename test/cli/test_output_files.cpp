// Output files through the real binary (with the test engine): what a target that is not a plain
// file becomes, what is checked before any work, and that a written output survives a power cut.
#include <catch2/catch.hpp>

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <sstream>
#include <vector>

#include "cli/cli_runner.h"
#include "output/atomic_file.h"
#include "test_support.h"

using namespace diarize;
using namespace diarize::test;

namespace {

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  REQUIRE(::realpath(path.c_str(), resolved));
  return resolved;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("An output is synced to disk before it is renamed into place, and its folder after", "[cli][output][durability]") {
  const std::string dir = real_path(make_temp_dir());
  const std::string input = dir + "/talk.wav";
  write_tone_bursts(input, 1);
  const std::string log = dir + "/probe.log";
  const std::string target = dir + "/out/talk.rttm";
  const CommandResult r = run_test_engine("LD_PRELOAD='" DIARIZE_SYSCALL_PROBE "' DIARIZE_PROBE_LOG='" + log + "'",
                                          "-o '" + target + "' '" + input + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> calls = lines_of(read_text_file(log));
  INFO(read_text_file(log));
  size_t rename_at = calls.size();
  std::string temp;
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string suffix = " " + target;
    if (calls[i].rfind("rename ", 0) == 0 && calls[i].size() > suffix.size() &&
        calls[i].compare(calls[i].size() - suffix.size(), suffix.size(), suffix) == 0) {
      rename_at = i;
      temp = calls[i].substr(7, calls[i].size() - 7 - suffix.size());
    }
  }
  REQUIRE(rename_at < calls.size());
  CHECK(temp.find(kTempFileMarker) != std::string::npos);
  bool data_synced = false;
  for (size_t i = 0; i < rename_at; ++i) data_synced |= calls[i] == "fsync " + temp || calls[i] == "fdatasync " + temp;
  CHECK(data_synced);
  bool folder_synced = false;
  for (size_t i = rename_at + 1; i < calls.size(); ++i) folder_synced |= calls[i] == "fsync " + dir + "/out";
  CHECK(folder_synced);
  require_no_process_left();
}
