// Output files through the real binary (with the test engine): what a target that is not a plain
// file becomes, what is checked before any work, and that a written output survives a power cut.
#include <catch2/catch.hpp>

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <signal.h>
#include <spawn.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "cli/cli_runner.h"
#include "output/atomic_file.h"
#include "test_support.h"

extern char** environ;

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
    // No extension to tell the format from: --format says it.
    const CommandResult r = run_test_engine("", "-f rttm -o '" + null_device + "' '" + input + "'");
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
                                        test_engine_command("", "-f rttm -o '" + fifo + "' '" + input + "'") + "; wait");
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

TEST_CASE("Output problems are usage errors found before the first input", "[cli][output][output-checks]") {
  const std::string dir = real_path(make_temp_dir());
  const std::string input = dir + "/talk.wav";
  write_tone_bursts(input, 3);
  { std::ofstream(dir + "/afile") << "a file, not a folder\n"; }
  const auto expect_usage_error = [&](const std::string& prefix, const std::string& arguments, const std::string& reason) {
    const CommandResult r = run_command(prefix + test_engine_command("", arguments));
    INFO(arguments << " -> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(count_lines_containing(r.err, "diarize: ") == 1);
    CHECK(count_lines_containing(r.err, reason) == 1);
    CHECK(r.out.empty());
  };
  SECTION("a file where the output folder should be") {
    expect_usage_error("", "-o '" + dir + "/afile/' '" + input + "'", "afile is not a folder");
    expect_usage_error("", "-o '" + dir + "/afile/sub/x.rttm' '" + input + "'", "afile is not a folder");
  }
  SECTION("a folder nobody may write in") {
    // Root writes anywhere: the check then runs as nobody, as a user would meet it.
    REQUIRE(::chmod(dir.c_str(), 0755) == 0);
    REQUIRE(::chmod(input.c_str(), 0644) == 0);
    REQUIRE(::mkdir((dir + "/locked").c_str(), 0555) == 0);
    const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    expect_usage_error(as_user, "-o '" + dir + "/locked/out/' '" + input + "'", "Permission denied");
    expect_usage_error(as_user, "-o '" + dir + "/locked/x.rttm' '" + input + "'", "Permission denied");
  }
  SECTION("an output name longer than the file system takes") {
    expect_usage_error("", "-o '" + dir + "/" + std::string(256, 'n') + ".rttm' '" + input + "'", "longer than 255 bytes");
    const std::string long_input = dir + "/" + std::string(251, 'w') + ".wav";  // 255 bytes; its .json would be 256
    write_tone_bursts(long_input, 3);
    expect_usage_error("", "-f json -o '" + dir + "/out/' '" + long_input + "'", "longer than 255 bytes");
  }
  SECTION("a name that fits, though not with a long temporary suffix, is written") {
    const std::string target = dir + "/" + std::string(250, 'n') + ".rttm";
    const CommandResult r = run_test_engine("", "-o '" + target + "' '" + input + "'");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(path_exists(target));
  }
  require_no_temp_files(dir);
  require_no_process_left();
}

TEST_CASE("Inputs that would share an output file stop the run before any work", "[cli][output][output-naming]") {
  const std::string dir = real_path(make_temp_dir());
  for (const char* sub : {"/a", "/b", "/c"}) REQUIRE(::mkdir((dir + sub).c_str(), 0755) == 0);
  write_tone_bursts(dir + "/a/x.wav", 1);
  write_tone_bursts(dir + "/b/x.wav", 2);
  write_tone_bursts(dir + "/c/y.wav", 3);
  write_tone_bursts(dir + "/c/y.flac.wav", 4);
  REQUIRE(::rename((dir + "/c/y.flac.wav").c_str(), (dir + "/c/y.flac").c_str()) == 0);  // WAV bytes, FLAC name
  const auto expect_collision = [&](const std::string& inputs, const std::string& first, const std::string& second,
                                    const std::string& output) {
    const CommandResult r = run_test_engine("", "-o '" + dir + "/out/' " + inputs);
    INFO(inputs << " -> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "diarize: -o " + dir + "/out/: " + first + " and " + second + " would both be written to " + dir +
                       "/out/" + output + " (output names: docs/cli.md)\n");
    CHECK_FALSE(path_exists(dir + "/out"));
  };
  expect_collision("'" + dir + "/a/x.wav' '" + dir + "/b/x.wav'", dir + "/a/x.wav", dir + "/b/x.wav", "x.rttm");
  expect_collision("'" + dir + "/c'", dir + "/c/y.flac", dir + "/c/y.wav", "y.rttm");
  // Names that differ get one output each.
  const CommandResult r = run_test_engine("", "-o '" + dir + "/out/' '" + dir + "/a/x.wav' '" + dir + "/c/y.wav'");
  CHECK(r.exit_code == 0);
  CHECK(path_exists(dir + "/out/x.rttm"));
  CHECK(path_exists(dir + "/out/y.rttm"));
  require_no_process_left();
}

TEST_CASE("Names with blanks or control bytes make one-field uris that diarize score reads back", "[cli][output][uri]") {
  const std::string dir = real_path(make_temp_dir());
  const std::string odd = dir + "/tab\there\nnew line.wav";
  write_tone_bursts(odd, 5);
  const CommandResult r = run_test_engine("", "-o '" + dir + "/out/' '" + odd + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string rttm = read_text_file(dir + "/out/tab\there\nnew line.rttm");
  CHECK(rttm.rfind("SPEAKER tab_here_new_line 1 ", 0) == 0);
  const CommandResult spaced = run_test_engine("", "--uri 'a b' -o '" + dir + "/spaced.rttm' '" + odd + "'");
  REQUIRE(spaced.exit_code == 0);
  CHECK(read_text_file(dir + "/spaced.rttm").rfind("SPEAKER a_b 1 ", 0) == 0);
  const CommandResult score = run_command("'" + binary_dir() + "/diarize' score --ref '" + dir + "/spaced.rttm' --hyp '" +
                                          dir + "/spaced.rttm'");
  INFO(score.err);
  CHECK(score.exit_code == 0);
  const CommandResult empty = run_test_engine("", "--uri '' '" + odd + "'");
  CHECK(empty.exit_code == 2);
  CHECK(count_lines_containing(empty.err, "--uri") == 1);
  require_no_process_left();
}

namespace {

// Runs diarize with stdout on a pipe whose reader is already gone, SIGPIPE either at its default
// (as a shell leaves it) or ignored (as some parents leave it). Returns the raw wait status.
int run_into_closed_pipe(const std::string& arguments, bool ignore_sigpipe, const std::string& err_path) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  const std::string command = "exec " + test_engine_command("", arguments) + " 2>'" + err_path + "'";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &sigpipe);
  posix_spawnattr_setflags(&attributes, ignore_sigpipe ? 0 : POSIX_SPAWN_SETSIGDEF);
  // An ignored signal stays ignored across exec: the spawned shell and diarize inherit it.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  pid_t pid = -1;
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  const int spawned = ::posix_spawn(&pid, "/bin/sh", &actions, &attributes, const_cast<char**>(argv), environ);
  ::sigaction(SIGPIPE, &previous, nullptr);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  REQUIRE(spawned == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("A closed stdout pipe stops the run quietly with exit 141", "[cli][output][stdout]") {
  const std::string dir = real_path(make_temp_dir());
  std::string inputs;
  for (int i = 1; i <= 3; ++i) {
    write_tone_bursts(dir + "/in" + std::to_string(i) + ".wav", i);
    inputs += " '" + dir + "/in" + std::to_string(i) + ".wav'";
  }
  for (const bool ignored : {false, true}) {
    INFO("SIGPIPE ignored: " << ignored);
    const std::string err = dir + "/err" + std::to_string(ignored);
    const int status = run_into_closed_pipe("-v" + inputs, ignored, err);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 141);
    // Nothing about the pipe, and no work after the first result could not be written.
    const std::string text = read_text_file(err);
    INFO(text);
    CHECK(text.find("stdout") == std::string::npos);
    CHECK(text.find("in2.wav") == std::string::npos);
    CHECK(text.find("inputs done") == std::string::npos);
  }
  require_no_temp_files(dir);
  require_no_process_left();
}

TEST_CASE("A full stdout is an error with one line and exit 1", "[cli][output][stdout]") {
  if (::geteuid() != 0) {
    WARN("not root: mknod is not allowed, no full device to write to");
    return;
  }
  const std::string dir = real_path(make_temp_dir());
  const std::string full = dir + "/full";  // the kernel's full device, made in the test's own folder
  REQUIRE(::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) == 0);
  write_tone_bursts(dir + "/in.wav", 1);
  write_tone_bursts(dir + "/in2.wav", 2);
  // The group's own redirection wins over the capture run_command adds around it.
  const CommandResult r =
      run_command("{ " + test_engine_command("", "'" + dir + "/in.wav' '" + dir + "/in2.wav'") + " >'" + full + "'; }");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "diarize: stdout: No space left on device\n");
  { std::ofstream(dir + "/ref.rttm") << "SPEAKER a 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\n"; }
  for (const std::string& command : {"score --ref '" + dir + "/ref.rttm' --hyp '" + dir + "/ref.rttm'",
                                     std::string("--version"), std::string("--help")}) {
    const CommandResult other = run_command("{ '" + binary_dir() + "/diarize' " + command + " >'" + full + "'; }");
    INFO(command);
    CHECK(other.exit_code == 1);
    CHECK(other.err == "diarize: stdout: No space left on device\n");
  }
  require_no_process_left();
}
