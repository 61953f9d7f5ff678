// `diarize score` end to end: runs the real binary on small RTTM / JSON / UEM files.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "output/json_output.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

test::CommandResult score(const std::string& args) {
  return test::run_command(test::diarize_binary() + " score " + args);
}

// Two files. f1: A 0-10, B 10-20; hypothesis switches 1 s late (1 s confusion of 20).
// f2: A 0-30; hypothesis misses the last 6 s. f3: reference only (all missed, 5 s).
const char* kRef =
    "SPEAKER f1 1 0.000 10.000 <NA> <NA> A <NA> <NA>\n"
    "SPEAKER f1 1 10.000 10.000 <NA> <NA> B <NA> <NA>\n"
    "SPEAKER f2 1 0.000 30.000 <NA> <NA> A <NA> <NA>\n"
    "SPEAKER f3 1 0.000 5.000 <NA> <NA> C <NA> <NA>\n";
const char* kHyp =
    "SPEAKER f1 1 0.000 11.000 <NA> <NA> spk0 <NA> <NA>\n"
    "SPEAKER f1 1 11.000 9.000 <NA> <NA> spk1 <NA> <NA>\n"
    "SPEAKER f2 1 0.000 24.000 <NA> <NA> spk0 <NA> <NA>\n"
    "SPEAKER extra 1 0.000 24.000 <NA> <NA> spk0 <NA> <NA>\n";

}  // namespace

TEST_CASE("score CLI: table, warnings and time-weighted total", "[score_cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string ref = write_file(dir, "ref.rttm", kRef), hyp = write_file(dir, "hyp.rttm", kHyp);
  const auto r = score("--ref '" + ref + "' --hyp '" + hyp + "' --per-file");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("warning: f3: not in the hypothesis, scored as all missed") != std::string::npos);
  CHECK(r.err.find("warning: extra: in the hypothesis but not in the reference, ignored") != std::string::npos);
  // f1 1/20 = 5 %, f2 6/30 = 20 %, f3 5/5 = 100 %; total (1 + 6 + 5) / 55 = 21.82 %.
  CHECK(r.out.find("f1        5.00     0.00     0.00     5.00") != std::string::npos);
  CHECK(r.out.find("f2       20.00    20.00     0.00     0.00") != std::string::npos);
  CHECK(r.out.find("f3      100.00   100.00     0.00     0.00   100.00      5.000      5.000") != std::string::npos);
  CHECK(r.out.find("TOTAL    21.82") != std::string::npos);
  // Without --per-file only the header and TOTAL.
  const auto t = score("--ref '" + ref + "' --hyp '" + hyp + "'");
  CHECK(t.out.find("f1 ") == std::string::npos);
  CHECK(t.out.find("TOTAL") != std::string::npos);
}

TEST_CASE("score CLI: JSON output, collar, skip-overlap and UEM", "[score_cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string ref = write_file(dir, "ref.rttm", kRef), hyp = write_file(dir, "hyp.rttm", kHyp);
  // UEM: f1 only 5-15 (so f2 and f3 are not scored, with warnings).
  const std::string uem = write_file(dir, "x.uem", "f1 NA 5 15\n");
  const auto r = score("--ref '" + ref + "' --hyp '" + hyp + "' --uem '" + uem + "' --collar 0.5 --json --per-file");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("f2: no UEM region, not scored") != std::string::npos);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["schema"] == "diarize.score/1");
  CHECK(j["collar_s"] == 0.5);
  REQUIRE(j["files"].size() == 1);
  // Region 5-15 minus 9.5-10.5: 9 s scored, confusion 10.5-11 = 0.5 s: 5.56 %.
  const auto& f1 = j["files"][0];
  CHECK(f1["uri"] == "f1");
  CHECK(f1["scored_s"].get<double>() == Approx(9.0).margin(1e-9));
  CHECK(f1["confusion_s"].get<double>() == Approx(0.5).margin(1e-9));
  CHECK(f1["der_percent"].get<double>() == Approx(100.0 * 0.5 / 9.0).margin(1e-9));
  CHECK(f1["mapping"]["A"] == "spk0");
  CHECK(j["total"]["der_percent"].get<double>() == Approx(100.0 * 0.5 / 9.0).margin(1e-9));
}

TEST_CASE("score CLI: diarize JSON Lines hypotheses are read", "[score_cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string ref = write_file(dir, "ref.rttm", kRef);
  FileResult a;
  a.uri = "f1";
  a.file = "f1.wav";
  a.duration_s = 20;
  a.diarization.labels = {"SPEAKER_00", "SPEAKER_01"};
  a.diarization.turns = {{0, 10, 0}, {10, 20, 1}};
  FileResult b = a;
  b.uri = "f2";
  b.diarization.labels = {"SPEAKER_00"};
  b.diarization.turns = {{0, 30, 0}};
  FileResult c = a;
  c.uri = "f3";
  c.diarization.labels = {"SPEAKER_00"};
  c.diarization.turns = {{0, 5, 0}};
  const std::string hyp = write_file(dir, "hyp.jsonl", "\n" + format_json(a) + "\n" + format_json(b) + "\n" +
                                                            format_json(c) + "\n");
  const auto r = score("--ref '" + ref + "' --hyp '" + hyp + "' --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["total"]["der_percent"].get<double>() == 0.0);
  CHECK(j["total"]["jer_percent"].get<double>() == 0.0);
  CHECK(j["total"]["reference_s"].get<double>() == Approx(55).margin(1e-9));
  // The same through stdin.
  const auto s = test::run_command("cat '" + hyp + "' | " + test::diarize_binary() + " score --ref '" + ref + "' --hyp -");
  CHECK(s.exit_code == 0);
  CHECK(s.out.find("TOTAL     0.00") != std::string::npos);
}

TEST_CASE("score CLI: bad files exit 1 with path and line, bad options exit 2", "[score_cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string ref = write_file(dir, "ref.rttm", kRef);
  const std::string bad_hyp = write_file(dir, "bad.rttm", "SPEAKER f1 1 0.0 1.0 <NA> <NA> x <NA> <NA>\nSPEAKER f1 1 zz\n");
  auto r = score("--ref '" + ref + "' --hyp '" + bad_hyp + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "diarize: " + bad_hyp + ":2: a SPEAKER line needs at least 8 fields, found 4\n");
  const std::string bad_uem = write_file(dir, "bad.uem", "f1 NA 0 30\nf2 NA 10 5\n");
  r = score("--ref '" + ref + "' --hyp '" + ref + "' --uem '" + bad_uem + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "diarize: " + bad_uem + ":2: offset 5 is before onset 10\n");
  const std::string bad_json = write_file(dir, "bad.json", "{\"schema\": \"diarize.result/1\"}\n");
  r = score("--ref '" + ref + "' --hyp '" + bad_json + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("diarize: " + bad_json + ":1: does not follow the schema", 0) == 0);
  r = score("--ref '" + dir + "/missing.rttm' --hyp '" + ref + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "diarize: " + dir + "/missing.rttm: No such file or directory\n");
  r = score("--ref '" + ref + "'");
  CHECK(r.exit_code == 2);
  r = score("--ref '" + ref + "' --hyp '" + ref + "' --collar -0.25");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "diarize: --collar must be a non-negative number of seconds\n");
}

TEST_CASE("score CLI: the AMI excerpts' reference against itself, with and without UEM", "[score_cli]") {
  const std::string rttm = test::shared_path("data/ami_excerpts/reference.rttm");
  const std::string uem = test::shared_path("data/ami_excerpts/reference.uem");
  for (const std::string& extra : std::vector<std::string>{"", " --uem '" + uem + "'", " --uem '" + uem + "' --collar 0.25 --skip-overlap"}) {
    const auto r = score("--ref '" + rttm + "' --hyp '" + rttm + "' --json --per-file" + extra);
    INFO(extra << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["files"].size() == 12);
    for (const auto& f : j["files"]) {
      INFO(f["uri"]);
      CHECK(f["der_percent"].get<double>() == 0.0);
      CHECK(f["jer_percent"].get<double>() == 0.0);
    }
    CHECK(j["total"]["reference_s"].get<double>() > 100.0);
  }
  // With the UEM every file is scored over exactly 0-30 s.
  const auto r = score("--ref '" + rttm + "' --hyp '" + rttm + "' --json --uem '" + uem + "'");
  CHECK(nlohmann::json::parse(r.out)["total"]["scored_s"].get<double>() == Approx(360.0).margin(1e-6));
}

TEST_CASE("score CLI: --exclusive scores the JSON exclusive_segments, and refuses RTTM or old JSON", "[score_cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string ref = write_file(dir, "ref.rttm",
                                     "SPEAKER f1 1 0.000 10.000 <NA> <NA> A <NA> <NA>\n"
                                     "SPEAKER f1 1 10.000 10.000 <NA> <NA> B <NA> <NA>\n");
  FileResult a;
  a.uri = "f1";
  a.file = "f1.wav";
  a.duration_s = 20;
  a.diarization.labels = {"SPEAKER_00", "SPEAKER_01"};
  // Regular: 2 s of spurious overlap (2 s false alarm of 20); exclusive: exact.
  a.diarization.turns = {{0, 11, 0}, {9, 20, 1}};
  a.diarization.exclusive_turns = {{0, 10, 0}, {10, 20, 1}};
  const std::string hyp = write_file(dir, "hyp.json", format_json(a) + "\n");
  const auto regular = score("--ref '" + ref + "' --hyp '" + hyp + "' --json");
  REQUIRE(regular.exit_code == 0);
  CHECK(nlohmann::json::parse(regular.out)["total"]["der_percent"].get<double>() == Approx(10.0));
  const auto exclusive = score("--ref '" + ref + "' --hyp '" + hyp + "' --json --exclusive");
  REQUIRE(exclusive.exit_code == 0);
  CHECK(nlohmann::json::parse(exclusive.out)["total"]["der_percent"].get<double>() == 0.0);

  auto r = score("--ref '" + ref + "' --hyp '" + ref + "' --exclusive");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("an RTTM holds one diarization") != std::string::npos);
  nlohmann::json old = nlohmann::json::parse(format_json(a));
  old.erase("exclusive_segments");
  const std::string old_hyp = write_file(dir, "old.json", old.dump() + "\n");
  r = score("--ref '" + ref + "' --hyp '" + old_hyp + "' --exclusive");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(old_hyp + ":1: no exclusive_segments") != std::string::npos);
  // Without --exclusive an older file still scores.
  CHECK(score("--ref '" + ref + "' --hyp '" + old_hyp + "'").exit_code == 0);
}
