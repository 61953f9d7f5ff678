// `diarize --transcript` and the output formats through the real binary: format choice and its
// usage errors, batches writing one file per input and format, bad and missing transcripts as
// that input's failure; with the test engine (fast, deterministic). Then the real pipeline on
// the pyannote sample: an SRT of its reference turns gets the reference speakers back.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "audio_fixtures.h"
#include "output/rttm.h"
#include "scoring/hungarian.h"
#include "test_support.h"

using namespace diarize;
using namespace diarize::test;

namespace {

// The test engine (one speaker wherever the audio is louder than -34 dBFS) behind the real binary.
std::string diarize_with_test_engine(const std::string& arguments) {
  return "env DIARIZE_ENGINE_MODULE='" DIARIZE_TEST_ENGINE "' '" + binary_dir() + "/diarize' --segmentation '" +
         shared_path("models/segmentation-3.0.int8.onnx") + "' " + arguments;
}

CommandResult run(const std::string& arguments) { return run_command(diarize_with_test_engine(arguments)); }

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// 1 s of silence, 2 s of tone, 1 s of silence, 1.5 s of tone: the test engine finds SPEAKER_00
// at 1.0-3.0 s and 4.0-5.5 s.
std::string write_two_turns(const std::string& path) {
  std::vector<float> samples(static_cast<size_t>(5.5 * 16000), 0.0f);
  for (size_t i = 0; i < samples.size(); ++i) {
    const double t = static_cast<double>(i) / 16000.0;
    if ((t >= 1.0 && t < 3.0) || t >= 4.0) samples[i] = 0.3f * static_cast<float>(std::sin(2 * M_PI * 440.0 * t));
  }
  write_wav(path, 16000, 1, samples);
  return path;
}

const char* kTranscript =
    "1\n00:00:01,200 --> 00:00:02,800\nhello there\n\n"
    "2\n00:00:04,200 --> 00:00:05,000\nworld\n\n"
    "3\n00:00:09,000 --> 00:00:09,500\nlate\n";

}  // namespace

TEST_CASE("Transcript formats through the binary", "[cli][transcript]") {
  const std::string dir = make_temp_dir();
  const std::string wav = write_two_turns(dir + "/talk.wav");
  write_text(dir + "/talk.srt", kTranscript);

  SECTION("srt on stdout: words with their speakers, UNKNOWN far from any turn") {
    const auto r = run("--transcript '" + dir + "/talk.srt' -f srt '" + wav + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "1\n00:00:01,200 --> 00:00:02,800\n[SPEAKER_00] hello there\n\n"
          "2\n00:00:04,200 --> 00:00:05,000\n[SPEAKER_00] world\n\n"
          "3\n00:00:09,000 --> 00:00:09,500\n[UNKNOWN] late\n\n");
  }
  SECTION("the format follows -o FILE's extension") {
    const auto r = run("--transcript '" + dir + "/talk.srt' -o '" + dir + "/talk.out.txt' '" + wav + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_text_file(dir + "/talk.out.txt") == "SPEAKER_00: hello there world\n\nUNKNOWN: late\n");
    const auto v = run("-o '" + dir + "/turns.vtt' '" + wav + "'");
    REQUIRE(v.exit_code == 0);
    CHECK(read_text_file(dir + "/turns.vtt") ==
          "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v SPEAKER_00>SPEAKER_00\n\n"
          "00:00:04.000 --> 00:00:05.500\n<v SPEAKER_00>SPEAKER_00\n\n");
    const auto a = run("-f audacity -o '" + dir + "/labels.txt' '" + wav + "'");
    REQUIRE(a.exit_code == 0);
    CHECK(read_text_file(dir + "/labels.txt") == "1.000000\t3.000000\tSPEAKER_00\n4.000000\t5.500000\tSPEAKER_00\n");
  }
  SECTION("json gains words and a summary") {
    const auto r = run("--transcript '" + dir + "/talk.srt' -f json '" + wav + "'");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["words"].size() == 3);
    CHECK(j["words"][2]["speaker"] == "UNKNOWN");
    CHECK(j["summary"]["SPEAKER_00"]["speech_s"] == 3.5);
    CHECK(j["summary"]["SPEAKER_00"]["turns"] == 2);
  }
  SECTION("a batch into a folder: one file per input and format") {
    const std::string other = write_two_turns(dir + "/other.wav");
    write_text(dir + "/other.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n");
    const auto r = run("--transcript '" + dir + "' -f srt,svg,audacity,tsv -o '" + dir + "/out/' '" + wav + "' '" +
                       other + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* stem : {"talk", "other"})
      for (const char* extension : {".srt", ".svg", ".labels.txt", ".tsv"}) {
        INFO(stem << extension);
        CHECK(exists(dir + "/out/" + stem + extension));
      }
    CHECK(read_text_file(dir + "/out/other.srt") == "1\n00:00:01,000 --> 00:00:02,000\n[SPEAKER_00] hi\n\n");
    CHECK(read_text_file(dir + "/out/talk.tsv") == "start\tend\tspeaker\n1.000\t3.000\tSPEAKER_00\n4.000\t5.500\tSPEAKER_00\n");
    CHECK_THAT(read_text_file(dir + "/out/talk.svg"), Catch::Contains(">talk.wav \xE2\x80\x94 5.5 s</text>"));
  }
  SECTION("several inputs on stdout: tsv tables one after the other") {
    const auto r = run("-f tsv '" + wav + "' '" + wav + "'");
    REQUIRE(r.exit_code == 0);
    const std::string table = "start\tend\tspeaker\n1.000\t3.000\tSPEAKER_00\n4.000\t5.500\tSPEAKER_00\n";
    CHECK(r.out == table + table);
  }
}

TEST_CASE("Format and transcript usage errors exit 2 before any work", "[cli][transcript]") {
  const std::string dir = make_temp_dir();
  const std::string wav = write_two_turns(dir + "/talk.wav");
  // Another input: the same file twice would be refused first, for sharing one output.
  const std::string other = write_two_turns(dir + "/other.wav");
  write_text(dir + "/talk.srt", kTranscript);
  struct Case {
    std::string arguments;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"-o '" + dir + "/x.xyz' '" + wav + "'", "cannot tell the format from the extension '.xyz'"},
      {"-o '" + dir + "/x' '" + wav + "'", "cannot tell the format from the extension ''"},
      {"-f json -o '" + dir + "/x.srt' '" + wav + "'", "--format json conflicts with the extension of -o"},
      {"-f srt,svg -o '" + dir + "/x.srt' '" + wav + "'", "several formats need an output folder"},
      {"-f srt,svg '" + wav + "'", "several formats need an output folder (-o DIR/)"},
      {"-f srt '" + wav + "' '" + wav + "'", "--format srt with several inputs needs an output folder"},
      {"-f svg '" + dir + "'", "--format svg with several inputs needs an output folder"},
      {"-f txt '" + wav + "'", "--format txt needs --transcript"},
      {"--transcript - '" + wav + "'", "a transcript cannot come from stdin"},
      {"--transcript '" + dir + "/talk.srt' -o '" + dir + "/o/' '" + wav + "' '" + other + "'",
       "several inputs need a folder of <stem>.srt, .vtt or .json transcripts"},
      {"-f xml '" + wav + "'", "xml"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const auto r = run(c.arguments);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(c.message));
  }
  CHECK_FALSE(exists(dir + "/o"));
}

TEST_CASE("A bad or missing transcript fails that input only, with FILE:LINE", "[cli][transcript]") {
  const std::string dir = make_temp_dir();
  const std::string good = write_two_turns(dir + "/good.wav");
  const std::string bad = write_two_turns(dir + "/bad.wav");
  const std::string missing = write_two_turns(dir + "/missing.wav");
  write_text(dir + "/good.srt", kTranscript);
  write_text(dir + "/bad.json", "{\"segments\": [\n {\"start\": 1, \"end\": \"x\", \"text\": \"a\"}]}");
  const auto r = run("--transcript '" + dir + "' -f srt -o '" + dir + "/out/' '" + good + "' '" + bad + "' '" +
                     missing + "'");
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("diarize: " + dir + "/bad.json:2: a segment's \"end\" is not a finite number\n"));
  CHECK_THAT(r.err, Catch::Contains("diarize: " + missing + ": no transcript missing.srt, .vtt or .json in " + dir));
  CHECK_THAT(r.err, Catch::Contains("1 of 3 inputs done, 2 failed"));
  CHECK(exists(dir + "/out/good.srt"));
  CHECK_FALSE(exists(dir + "/out/bad.srt"));
  CHECK_FALSE(exists(dir + "/out/missing.srt"));

  const auto one = run("--transcript '" + dir + "/bad.json' '" + good + "'");
  CHECK(one.exit_code == 1);
  CHECK(one.out.empty());
  CHECK(one.err == "diarize: " + dir + "/bad.json:2: a segment's \"end\" is not a finite number\n");
}

// The real pipeline (segmentation model from shared/, the default embedding) on the pyannote
// sample, with an SRT made from its reference RTTM, one cue per reference turn. Some cues lie in
// overlapped speech, where the exclusive turns can give only one of the two speakers; the issue
// asks for at least 90 % of cue time with the reference speaker after the best label mapping.
TEST_CASE("Real audio: cues made from the reference turns get the reference speakers", "[cli][transcript][real-engine]") {
  const std::vector<RttmTurn> reference = read_rttm_file(shared_path("data/pyannote_sample/sample.rttm"));
  REQUIRE(reference.size() >= 5);
  auto cue_time = [](double s) {
    const long long ms = std::llround(s * 1000.0);
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld,%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                  ms % 1000);
    return std::string(buffer);
  };
  std::string srt;
  for (size_t i = 0; i < reference.size(); ++i)
    srt += std::to_string(i + 1) + "\n" + cue_time(reference[i].start_s) + " --> " + cue_time(reference[i].end_s()) +
           "\nturn " + std::to_string(i) + "\n\n";
  const std::string dir = make_temp_dir();
  write_text(dir + "/sample.srt", srt);
  const auto r = run_command("'" + binary_dir() + "/diarize' --models '" + shared_path("models") + "' --transcript '" +
                             dir + "/sample.srt' -f json '" + shared_path("data/pyannote_sample/sample.wav") + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& words = j.at("words");
  REQUIRE(words.size() == reference.size());  // an SRT has no word times: one entry per cue

  // Cue time per (reference speaker, hypothesis speaker), then the best one-to-one mapping.
  std::map<std::string, size_t> ref_index, hyp_index;
  for (const RttmTurn& t : reference) ref_index.emplace(t.speaker, ref_index.size());
  for (const auto& w : words) hyp_index.emplace(w.at("speaker").get<std::string>(), hyp_index.size());
  Matrix time(ref_index.size(), std::vector<double>(hyp_index.size(), 0.0));
  double total_s = 0.0;
  for (size_t i = 0; i < reference.size(); ++i) {
    REQUIRE(words[i].at("word") == "turn " + std::to_string(i));
    time[ref_index[reference[i].speaker]][hyp_index[words[i].at("speaker").get<std::string>()]] += reference[i].duration_s;
    total_s += reference[i].duration_s;
  }
  const std::vector<int> mapping = max_weight_assignment(time);
  double matched_s = 0.0;
  for (size_t row = 0; row < mapping.size(); ++row)
    if (mapping[row] >= 0) matched_s += time[row][static_cast<size_t>(mapping[row])];
  const double fraction = matched_s / total_s;
  INFO("cue time with the reference speaker: " << fraction * 100.0 << " %");
  CHECK(fraction >= 0.90);
}
