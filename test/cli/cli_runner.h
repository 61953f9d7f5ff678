// Running the real `diarize` binary with the stand-in engine module (test/isolation/test_engine.cpp),
// shared by the CLI tests: no LibTorch, answers in milliseconds, and every process it starts can be
// found again in /proc by a marker in its environment.
#pragma once

#include <string>
#include <vector>

#include "test_support.h"

namespace diarize::test {

// The value of DIARIZE_TEST_MARKER that every command below carries (unique to this test process).
std::string process_marker();

// The command line: `env DIARIZE_TEST_MARKER=... DIARIZE_ENGINE_MODULE=<test engine> <env> diarize
// [--segmentation <int8 model>] <arguments>`. The test engine ignores the weights, but model
// discovery still needs a model to recognise unless `arguments` names one.
std::string test_engine_command(const std::string& env, const std::string& arguments);
CommandResult run_test_engine(const std::string& env, const std::string& arguments);

// Processes (alive or zombie) whose environment carries the marker.
std::vector<int> marked_processes();

// A child killed by the parent may take a moment to vanish from /proc after the parent exited.
void require_no_process_left();
// No temporary output file (output/atomic_file.h's marker) anywhere below `dir`.
void require_no_temp_files(const std::string& dir);

// Tone bursts and silences whose lengths depend on `seed`: each file has its own answer.
void write_tone_bursts(const std::string& path, int seed, double seconds = 3.0);

bool path_exists(const std::string& path);
int count_lines_containing(const std::string& text, const std::string& needle);
// Every file below `dir`, recursively.
void list_files(std::string dir, std::vector<std::string>& out);

}  // namespace diarize::test
