// community-1 end to end through the real binary, with the random-weight ResNet34 and the shared
// PLDA, on sample.wav and one AMI excerpt: the JSON says community-1 ran (chosen by default), the
// exclusive turns never overlap and lie inside the regular speech, --num-speakers 2 gives exactly
// 2 speakers, and sample.wav's two diarizations equal pyannote.audio 4.0.7's whole-file outputs
// (reference/community1/e2e, same weights).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/json_output.h"
#include "test_support.h"

using namespace diarize;

namespace {

struct Turn {
  double start = 0.0, end = 0.0;
  std::string speaker;
};

std::vector<Turn> turns_of(const std::vector<SpeakerTurn>& turns, const std::vector<std::string>& labels) {
  std::vector<Turn> out;
  for (const SpeakerTurn& t : turns) out.push_back({t.start_s, t.end_s, labels.at(static_cast<size_t>(t.speaker))});
  return out;
}

// upstream serialize(): {"start", "end", "speaker"} per turn, times rounded to the millisecond.
std::vector<Turn> upstream_turns(const nlohmann::json& list) {
  std::vector<Turn> out;
  for (const auto& t : list) out.push_back({t.at("start").get<double>(), t.at("end").get<double>(), t.at("speaker").get<std::string>()});
  return out;
}

// Both sides are rounded to 1 ms (Python's round and diarize's may round a tie differently): 1.5 ms.
void check_same_turns(const std::vector<Turn>& got, const std::vector<Turn>& want, const char* what) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("turn " << i);
    CHECK(got[i].speaker == want[i].speaker);
    CHECK(std::fabs(got[i].start - want[i].start) <= 0.0015);
    CHECK(std::fabs(got[i].end - want[i].end) <= 0.0015);
  }
}

// At most one speaker at any time, and only where the regular diarization has speech.
void check_exclusive(const FileResult& r) {
  INFO(r.file);
  std::vector<SpeakerTurn> exclusive = r.diarization.exclusive_turns;
  REQUIRE_FALSE(exclusive.empty());
  std::sort(exclusive.begin(), exclusive.end(), [](const SpeakerTurn& a, const SpeakerTurn& b) { return a.start_s < b.start_s; });
  for (size_t i = 1; i < exclusive.size(); ++i) CHECK(exclusive[i].start_s >= exclusive[i - 1].end_s);
  for (const SpeakerTurn& e : exclusive) {
    // Covered by the union of the regular turns (walking them in start order).
    double covered_to = e.start_s;
    std::vector<SpeakerTurn> regular = r.diarization.turns;
    std::sort(regular.begin(), regular.end(), [](const SpeakerTurn& a, const SpeakerTurn& b) { return a.start_s < b.start_s; });
    for (const SpeakerTurn& t : regular)
      if (t.start_s <= covered_to + 1e-9 && t.end_s > covered_to) covered_to = t.end_s;
    INFO("exclusive turn " << e.start_s << "-" << e.end_s);
    CHECK(covered_to >= e.end_s - 1e-9);
  }
}

}  // namespace

TEST_CASE("community-1 end to end: default choice, exclusive turns, --num-speakers 2, upstream's outputs",
          "[community1-e2e]") {
  const std::string tmp = test::make_temp_dir();
  const std::string sample = test::shared_path("data/pyannote_sample/sample.wav");
  const std::string ami = test::shared_path("data/ami_excerpts/trn03.wav");
  const std::string models = "--segmentation '" + test::shared_path("reference/segmentation_weights.safetensors") +
                             "' --embedding '" + test::shared_path("reference/wespeaker_resnet34_random.safetensors") +
                             "' --plda '" + test::shared_path("models/plda") + "'";
  for (const char* c : {"default", "num2"}) {
    const std::string case_name = c;
    INFO("case " << case_name);
    const std::string out = tmp + "/" + case_name;
    // --num-speakers 2 runs the AMI excerpt too, in the same batch (one child); no --pipeline:
    // community-1 is the default here.
    const bool num2 = case_name == "num2";
    const std::vector<std::string> names = num2 ? std::vector<std::string>{"sample", "trn03"} : std::vector<std::string>{"sample"};
    const auto r = test::run_command("env -u DIARIZE_MODELS HOME='" + tmp + "' XDG_DATA_HOME='" + tmp + "/data' '" +
                                     test::binary_dir() + "/diarize' -q -f json -o '" + out + "/' " + models +
                                     (num2 ? " --num-speakers 2 '" + sample + "' '" + ami + "'" : " '" + sample + "'"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const std::string& name : names) {
      const std::string text = test::read_text_file(out + "/" + name + ".json");
      CHECK(nlohmann::json::parse(text).at("pipeline") == "community-1");
      const FileResult result = parse_json(text);
      check_exclusive(result);
      if (num2) CHECK(result.diarization.labels.size() == 2u);
    }
    const FileResult ours = parse_json(test::read_text_file(out + "/sample.json"));
    const nlohmann::json upstream =
        nlohmann::json::parse(test::read_text_file(test::shared_path("reference/community1/e2e/sample." + case_name + ".json")));
    check_same_turns(turns_of(ours.diarization.turns, ours.diarization.labels), upstream_turns(upstream.at("diarization")),
                     "regular");
    check_same_turns(turns_of(ours.diarization.exclusive_turns, ours.diarization.labels),
                     upstream_turns(upstream.at("exclusive_diarization")), "exclusive");
  }
}
