// The supervisor (core/isolation/isolated_diarizer.h) driven directly, for what the command line
// cannot reach: the child's start-up bound, which no option shortens.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <vector>

#include "errors.h"
#include "isolation/isolated_diarizer.h"
#include "test_support.h"

using namespace diarize;

TEST_CASE("A child that never gets ready is stopped at the start-up bound, and a CPU one is not retried",
          "[isolation][timeout]") {
  ::setenv("DIARIZE_ENGINE_MODULE", DIARIZE_TEST_ENGINE, 1);
  ::setenv("DIARIZE_TEST_ENGINE_START_DELAY_MS", "60000", 1);
  IsolationConfig config;
  config.executable = test::binary_dir() + "/diarize";
  config.engine.device = "cpu";
  config.startup_timeout_s = 0.5;
  config.timeout_s = 100;  // the per-input limit has nothing to do with starting
  std::vector<std::string> lines;
  {
    IsolatedDiarizer diarizer(config, [&lines](const std::string& line) { lines.push_back(line); });
    const SharedAudio audio(std::vector<float>(16000, 0.1f));
    try {
      diarizer.diarize("in.wav", 1, audio, JobOptions{}, nullptr);
      FAIL("the child started after all");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()) == "cpu attempt not ready within 0.5 s while starting");
    }
  }
  ::unsetenv("DIARIZE_TEST_ENGINE_START_DELAY_MS");
  ::unsetenv("DIARIZE_ENGINE_MODULE");
  CHECK(lines.empty());  // no "retrying on CPU"
}
