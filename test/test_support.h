// Helpers for tests: where the shared goldens live, temporary folders, running the binary.
#pragma once

#include <string>

namespace diarize::test {

// $DIARIZE_SHARED, else the configured default (../shared beside the source tree). A test whose
// data is missing fails loudly: this throws when the folder or `relative` inside it is missing.
std::string shared_path(const std::string& relative);

// A fresh empty folder under $TMPDIR (removed at exit).
std::string make_temp_dir();

// A file of the test tree (test/<relative>), e.g. "core/transcript/samples/talk.srt".
std::string test_source_path(const std::string& relative);

// The build's bin/ folder (where `diarize` and the engine module are); $DIARIZE_TEST_BINARY_DIR
// overrides it (to check that a regression test fails on an older build).
std::string binary_dir();

// The built-in embedding's parameters as the build tree holds them (share/diarize/builtin/).
std::string builtin_parameters_path();
// The `diarize` executable of binary_dir(), single-quoted for a shell command line.
std::string diarize_binary();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs a shell command line, capturing stdout and stderr.
CommandResult run_command(const std::string& command_line);

std::string read_text_file(const std::string& path);

}  // namespace diarize::test
