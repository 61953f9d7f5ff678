// --files-from, --files-from0 and --shard through the real binary (with the test engine): list
// entries are named like positional inputs, bad lists and shard values are usage errors, and the
// shards of a folder are disjoint, complete and byte-identical to one run over it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "cli/cli_runner.h"
#include "test_support.h"

using namespace diarize::test;

namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// `diarize ARGUMENTS` (test engine) run from `dir`, so relative paths are relative to it.
CommandResult run_in(const std::string& dir, const std::string& arguments, const std::string& before = "") {
  return run_command("cd " + quoted(dir) + " && " + before + test_engine_command("", arguments));
}

// The RTTM file ids on stdout, in the order of their turns.
std::vector<std::string> uris_in_order(const std::string& rttm) {
  std::vector<std::string> uris;
  std::istringstream in(rttm);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string type, uri;
    fields >> type >> uri;
    if (uris.empty() || uris.back() != uri) uris.push_back(uri);
  }
  return uris;
}

// Every file below `dir` (name relative to `dir` -> contents).
std::map<std::string, std::string> files_below(const std::string& dir) {
  std::vector<std::string> paths;
  list_files(dir, paths);
  std::map<std::string, std::string> files;
  for (const std::string& path : paths) files[path.substr(dir.size() + 1)] = read_text_file(path);
  return files;
}

int line_count(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// first.wav, second.wav, corpus/day1/third.wav, corpus/fourth.flac (each its own answer).
void write_inputs(const std::string& dir) {
  write_tone_bursts(dir + "/first.wav", 1);
  write_tone_bursts(dir + "/second.wav", 2);
  REQUIRE(run_command("mkdir -p " + quoted(dir + "/corpus/day1")).exit_code == 0);
  write_tone_bursts(dir + "/corpus/day1/third.wav", 3);
  write_tone_bursts(dir + "/corpus/fourth.flac", 4);
}

}  // namespace

TEST_CASE("--files-from entries are named like arguments and come after the positional inputs", "[cli][input-list]") {
  const std::string dir = make_temp_dir();
  write_inputs(dir);
  std::ofstream(dir + "/list.txt") << "# inputs\r\n\r\n   \nsecond.wav\r\n   # indented comment\ncorpus\n";
  const CommandResult listed = run_in(dir, "--files-from list.txt -o listed/ first.wav");
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  const CommandResult plain = run_in(dir, "-o plain/ first.wav second.wav corpus");
  INFO(plain.err);
  REQUIRE(plain.exit_code == 0);
  const auto outputs = files_below(dir + "/listed");
  CHECK(outputs.size() == 4);
  CHECK(outputs.count("day1/third.rttm") == 1);  // a listed folder is mirrored like a folder argument
  CHECK(outputs == files_below(dir + "/plain"));

  // Positional first, then the list in list order (not sorted).
  std::ofstream(dir + "/reversed.txt") << "corpus/fourth.flac\nsecond.wav\n";
  const CommandResult ordered = run_in(dir, "--files-from reversed.txt first.wav");
  REQUIRE(ordered.exit_code == 0);
  CHECK(uris_in_order(ordered.out) == std::vector<std::string>{"first", "fourth", "second"});
}

TEST_CASE("--files-from0 reads raw NUL-separated paths, also from stdin", "[cli][input-list]") {
  const std::string dir = make_temp_dir();
  write_inputs(dir);
  write_tone_bursts(dir + "/#hash name.wav", 5);
  const CommandResult r = run_in(dir, "--files-from0 - -o out/", "printf '#hash name.wav\\0second.wav\\0' | ");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto outputs = files_below(dir + "/out");
  CHECK(outputs.size() == 2);
  CHECK(outputs.count("#hash name.rttm") == 1);
  CHECK(outputs.count("second.rttm") == 1);

  const CommandResult lines = run_in(dir, "--files-from - ", "find corpus -name '*.flac' | ");
  REQUIRE(lines.exit_code == 0);
  CHECK(uris_in_order(lines.out) == std::vector<std::string>{"fourth"});
}

TEST_CASE("A missing path in a list fails that input only", "[cli][input-list]") {
  const std::string dir = make_temp_dir();
  write_inputs(dir);
  std::ofstream(dir + "/list.txt") << "first.wav\nmissing.wav\nsecond.wav\n";
  const CommandResult r = run_in(dir, "--files-from list.txt -o out/");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("diarize: missing.wav: ") != std::string::npos);
  CHECK(r.err.find("2 of 3 inputs done, 1 failed") != std::string::npos);
  CHECK(files_below(dir + "/out").size() == 2);
}

TEST_CASE("Bad lists are usage errors: unreadable, stdin twice, an output collision anywhere in the list",
          "[cli][input-list]") {
  const std::string dir = make_temp_dir();
  write_inputs(dir);
  const CommandResult missing = run_in(dir, "--files-from nolist.txt first.wav");
  CHECK(missing.exit_code == 2);
  CHECK(line_count(missing.err) == 1);
  CHECK(missing.err.rfind("diarize: nolist.txt: cannot read the input list: ", 0) == 0);

  const CommandResult clash = run_in(dir, "--files-from - -", "echo first.wav | ");
  CHECK(clash.exit_code == 2);
  CHECK(line_count(clash.err) == 1);
  CHECK(run_in(dir, "--files-from - --files-from0 -", "true | ").exit_code == 2);

  // Both name second.rttm: refused before any work, in every shard, whichever shard holds them.
  REQUIRE(run_command("mkdir -p " + quoted(dir + "/other") + " && cp " + quoted(dir + "/first.wav") + " " +
                      quoted(dir + "/other/second.wav")).exit_code == 0);
  std::ofstream(dir + "/collide.txt") << "second.wav\nother/second.wav\n";
  for (const char* shard : {"", "--shard 1/3 ", "--shard 2/3 ", "--shard 3/3 "}) {
    const CommandResult r = run_in(dir, std::string(shard) + "--files-from collide.txt -o out/");
    INFO(shard << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("would both be written to") != std::string::npos);
  }
  CHECK_FALSE(path_exists(dir + "/out/second.rttm"));

  // An empty list is nothing to do, not an error.
  std::ofstream(dir + "/empty.txt") << "# nothing yet\n";
  const CommandResult empty = run_in(dir, "--files-from empty.txt");
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
}

TEST_CASE("--shard K/N: bad values are usage errors", "[cli][shard]") {
  const std::string dir = make_temp_dir();
  write_tone_bursts(dir + "/talk.wav", 1);
  for (const char* bad : {"0/3", "4/3", "a/b", "1/0", "1/", "/3", "-1/3", "1/3x", "99999999999999999999/3"}) {
    const CommandResult r = run_in(dir, std::string("--shard ") + bad + " talk.wav");
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("--shard: an empty shard exits 0; stdout output works", "[cli][shard]") {
  const std::string dir = make_temp_dir();
  write_tone_bursts(dir + "/talk.wav", 1);  // stem "talk": shard 2 of 3 (test_shard.cpp's computation)
  const CommandResult empty = run_in(dir, "--shard 1/3 talk.wav");
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
  CHECK(line_count(empty.err) == 1);  // one note
  CHECK(run_in(dir, "-q --shard 3/3 talk.wav").err.empty());
  const CommandResult holder = run_in(dir, "--shard 2/3 talk.wav");
  CHECK(holder.exit_code == 0);
  CHECK(holder.out == run_in(dir, "talk.wav").out);
  CHECK_FALSE(holder.out.empty());
}

TEST_CASE("--shard: the shards of a folder are disjoint, complete and identical to one run", "[cli][shard]") {
  const std::string dir = make_temp_dir();
  REQUIRE(run_command("mkdir -p " + quoted(dir + "/corpus/part0") + " " + quoted(dir + "/corpus/part1")).exit_code == 0);
  for (int i = 0; i < 9; ++i) write_tone_bursts(dir + "/corpus/part" + std::to_string(i % 2) + "/clip" + std::to_string(i) + ".wav", i);
  const CommandResult whole = run_in(dir, "-o whole/ corpus");
  INFO(whole.err);
  REQUIRE(whole.exit_code == 0);
  const auto expected = files_below(dir + "/whole");
  REQUIRE(expected.size() == 9);
  std::map<std::string, std::string> united;
  int non_empty_shards = 0;
  for (int k = 1; k <= 3; ++k) {
    const std::string out = "shard" + std::to_string(k);
    const CommandResult r = run_in(dir, "--shard " + std::to_string(k) + "/3 -o " + out + "/ corpus");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    if (!path_exists(dir + "/" + out)) continue;
    const auto part = files_below(dir + "/" + out);
    non_empty_shards += part.empty() ? 0 : 1;
    for (const auto& [name, text] : part) CHECK(united.emplace(name, text).second);  // disjoint
  }
  CHECK(united == expected);  // complete, same names, same bytes
  CHECK(non_empty_shards >= 2);

  // Resumable: with --skip-existing a shard redoes nothing that is there.
  const CommandResult again = run_in(dir, "-v --skip-existing --shard 1/3 -o shard1/ corpus");
  REQUIRE(again.exit_code == 0);
  CHECK((again.err.find("skipped, its output exists") != std::string::npos || !path_exists(dir + "/shard1")));
  CHECK(again.err.find("diarize: shard 1/3: ") != std::string::npos);
}
