// Output files through the real binary (with the test engine): what a target that is not a plain
// file becomes, what is checked before any work, and that a written output survives a power cut.
#include <catch2/catch.hpp>

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
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

namespace {

struct Node {
  bool exists = false;
  mode_t type = 0;  // S_IFCHR, S_IFIFO, S_IFLNK, S_IFREG, ...
};
Node node_at(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return {true, static_cast<mode_t>(st.st_mode & S_IFMT)};
}

}  // namespace

TEST_CASE("-o naming a device, a FIFO or a symlink writes into it instead of replacing it", "[cli][output][special-files]") {
  const std::string dir = real_path(make_temp_dir());
  const std::string input = dir + "/talk.wav";
  write_tone_bursts(input, 2);
  const CommandResult clean = run_test_engine("", "'" + input + "'");
  REQUIRE(clean.exit_code == 0);
  REQUIRE(!clean.out.empty());

  SECTION("a character device (mknod'ed null device in the test's own folder)") {
    if (::geteuid() != 0) {
      WARN("not root: mknod is not allowed, the character-device case is not exercised");
      return;
    }
    const std::string null_device = dir + "/null";
    REQUIRE(::mknod(null_device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
    const CommandResult r = run_test_engine("", "-o '" + null_device + "' '" + input + "'");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(node_at(null_device).type == S_IFCHR);
  }
  SECTION("a FIFO: a reader gets the output, the FIFO stays") {
    const std::string fifo = dir + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    // The reader gives up after a while, so that a regression (the FIFO replaced, nobody ever
    // writing into it) fails instead of hanging.
    const CommandResult r = run_command("timeout 20 cat '" + fifo + "' > '" + dir + "/read' & " +
                                        test_engine_command("", "-o '" + fifo + "' '" + input + "'") + "; wait");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(node_at(fifo).type == S_IFIFO);
    CHECK(read_text_file(dir + "/read") == clean.out);
  }
  SECTION("a symlink: its target is replaced atomically, the link stays") {
    REQUIRE(::mkdir((dir + "/real").c_str(), 0755) == 0);
    { std::ofstream(dir + "/real/old.rttm") << "old content\n"; }
    REQUIRE(::symlink("real/old.rttm", (dir + "/link.rttm").c_str()) == 0);
    REQUIRE(::symlink("real/new.rttm", (dir + "/dangling.rttm").c_str()) == 0);
    for (const char* link : {"/link.rttm", "/dangling.rttm"}) {
      const CommandResult r = run_test_engine("", "-o '" + dir + link + "' '" + input + "'");
      INFO(link << ": " << r.err);
      CHECK(r.exit_code == 0);
      CHECK(node_at(dir + link).type == S_IFLNK);
    }
    CHECK(read_text_file(dir + "/real/old.rttm") == clean.out);
    CHECK(read_text_file(dir + "/real/new.rttm") == clean.out);
    require_no_temp_files(dir);
  }
  require_no_process_left();
}
