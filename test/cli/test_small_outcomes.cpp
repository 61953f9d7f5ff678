// The small command-line outcomes of issue #14 item 16, each with one expected result: stdin at
// most once, subcommands first, --skip-existing needs -o, --embeddings with RTTM warns, TERM=dumb
// draws no escapes, score --json rounds, subcommand errors point at their own help, models
// convert into a folder.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.h"
#include "progress_display.h"
#include "test_support.h"

using namespace diarize;
using namespace diarize::test;

namespace {

void expect_usage_error(const std::string& arguments, const std::string& message) {
  const CommandResult r = run_command(diarize_binary() + " " + arguments);
  INFO(arguments);
  CHECK(r.exit_code == 2);
  CHECK(r.err == message);
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("stdin twice, a subcommand after inputs, --skip-existing without -o: usage errors", "[cli][small-outcomes]") {
  expect_usage_error("- -", "diarize: '-' (stdin) can be given only once: it can be read only once\n");
  expect_usage_error("x.wav score --ref a.rttm --hyp b.rttm",
                     "diarize: subcommands come first: 'x.wav' was given before 'score' (see diarize --help)\n");
  expect_usage_error("-q models info m.onnx",
                     "diarize: subcommands come first: --quiet was given before 'models' (see diarize --help)\n");
  expect_usage_error("--skip-existing x.wav", "diarize: --skip-existing needs -o: it skips inputs whose output file exists\n");
}

TEST_CASE("A subcommand's usage error points at that subcommand's help", "[cli][small-outcomes]") {
  expect_usage_error("score --ref a.rttm", "diarize: --hyp is required (see diarize score --help)\n");
  expect_usage_error("models info", "diarize: file is required (see diarize models info --help)\n");
  expect_usage_error("--bogus", "diarize: The following argument was not expected: --bogus (see diarize --help)\n");
}

TEST_CASE("--embeddings with RTTM output gives one warning", "[cli][small-outcomes]") {
  const std::string dir = make_temp_dir();
  write_tone_bursts(dir + "/a.wav", 1);
  const CommandResult rttm = run_test_engine("", "--embeddings '" + dir + "/a.wav'");
  CHECK(rttm.exit_code == 0);
  CHECK(rttm.err == "diarize: warning: --embeddings has no effect without --format json (centroids are only in JSON)\n");
  const CommandResult json = run_test_engine("", "--embeddings -f json '" + dir + "/a.wav'");
  CHECK(json.exit_code == 0);
  CHECK(json.err.empty());
  require_no_process_left();
}

TEST_CASE("The progress line uses no escape sequence on a terminal without them", "[cli][small-outcomes]") {
  for (const bool ansi : {true, false}) {
    FILE* out = std::tmpfile();
    REQUIRE(out);
    {
      ProgressDisplay display(true, ansi, out);
      display.start_file(1, 2, "talks/talk.wav");
      display.update({"embeddings", 40, 40});  // a finished stage is always drawn
      display.print_line("diarize: a message");
    }
    std::rewind(out);
    std::string text;
    for (int c; (c = std::fgetc(out)) != EOF;) text.push_back(static_cast<char>(c));
    std::fclose(out);
    INFO(text);
    CHECK((text.find('\033') != std::string::npos) == ansi);
    CHECK(text.find("file 1/2 talk.wav: embeddings 40/40") != std::string::npos);
    CHECK(text.find("diarize: a message\n") != std::string::npos);
    if (!ansi) {
      // The line is blanked with spaces as long as what was drawn, then the message starts at column 0.
      const std::string drawn = "file 1/2 talk.wav: embeddings 40/40";
      CHECK(text.find("\r" + std::string(drawn.size(), ' ') + "\rdiarize: a message\n") != std::string::npos);
    }
  }
  ::setenv("TERM", "dumb", 1);
  CHECK_FALSE(ProgressDisplay::terminal_takes_ansi());
  ::unsetenv("TERM");
  CHECK_FALSE(ProgressDisplay::terminal_takes_ansi());
  ::setenv("TERM", "xterm-256color", 1);
  CHECK(ProgressDisplay::terminal_takes_ansi());
}

TEST_CASE("score --json gives percentages to 4 decimals", "[cli][small-outcomes]") {
  const std::string dir = make_temp_dir();
  // 1 s confused out of 3 s: 33.333...%.
  std::ofstream(dir + "/ref.rttm") << "SPEAKER f 1 0.000 2.000 <NA> <NA> A <NA> <NA>\n"
                                      "SPEAKER f 1 2.000 1.000 <NA> <NA> B <NA> <NA>\n";
  std::ofstream(dir + "/hyp.rttm") << "SPEAKER f 1 0.000 3.000 <NA> <NA> s <NA> <NA>\n";
  const CommandResult r =
      run_command(diarize_binary() + " score --json --ref '" + dir + "/ref.rttm' --hyp '" + dir + "/hyp.rttm'");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(r.out.find("\"der_percent\": 33.3333,") != std::string::npos);
  CHECK(j["total"]["confusion_percent"].get<double>() == 33.3333);
  CHECK(j["total"]["jer_percent"].get<double>() == std::round(j["total"]["jer_percent"].get<double>() * 1e4) / 1e4);
}

TEST_CASE("models convert into an existing folder writes <stem>.safetensors there", "[cli][small-outcomes][models]") {
  const std::string dir = make_temp_dir();
  ::mkdir((dir + "/existing").c_str(), 0755);
  const std::string model = shared_path("models/segmentation-3.0.int8.onnx");
  for (const std::string& target : {dir + "/existing", dir + "/new/"}) {
    const CommandResult r = run_command(diarize_binary() + " models convert '" + model + "' '" + target + "'");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    std::string folder = target;
    if (folder.back() == '/') folder.pop_back();
    CHECK(path_exists(folder + "/segmentation-3.0.int8.safetensors"));
  }
}
