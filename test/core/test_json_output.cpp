// JSON result schema and round trip.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "output/json_output.h"

using namespace diarize;

TEST_CASE("JSON result follows schema diarize.result/1 and round-trips", "[json]") {
  FileResult r;
  r.uri = "talk";
  r.file = "dir/talk.wav";
  r.duration_s = 12.3456;
  r.diarization.labels = {"SPEAKER_00", "SPEAKER_01"};
  r.diarization.turns = {{0.0169, 1.5004, 0}, {1.2, 3.0, 1}};
  r.diarization.exclusive_turns = {{0.0169, 1.2, 0}, {1.2, 3.0, 1}};
  r.diarization.centroids = {{1.0f, 0.0f}, {0.0f, 1.0f}};
  r.device = "cpu";
  r.embedding = "builtin";
  r.timings_s["segmentation"] = 0.25;
  const std::string text = format_json(r);
  const auto j = nlohmann::json::parse(text);
  CHECK(j["schema"] == "diarize.result/1");
  CHECK(j["duration_s"].get<double>() == 12.346);
  CHECK(j["segments"][0]["start"].get<double>() == 0.017);
  CHECK(j["segments"][0]["end"].get<double>() == 1.5);
  CHECK(j["segments"][1]["speaker"] == "SPEAKER_01");
  CHECK(j["exclusive_segments"][0]["end"].get<double>() == 1.2);
  CHECK(j["exclusive_segments"][1]["speaker"] == "SPEAKER_01");
  CHECK(j["fallback"].is_null());
  CHECK(text.find('\n') == std::string::npos);

  const FileResult back = parse_json(text);
  CHECK(back.uri == "talk");
  CHECK(back.diarization.turns.size() == 2);
  CHECK(back.diarization.turns[1].speaker == 1);
  REQUIRE(back.diarization.exclusive_turns.size() == 2);
  CHECK(back.diarization.exclusive_turns[0].end_s == 1.2);
  CHECK(back.diarization.centroids.size() == 2);
  CHECK(back.timings_s.at("segmentation") == 0.25);
}

TEST_CASE("JSON names the pipeline that ran, when one did", "[json]") {
  FileResult r;
  r.uri = "talk";
  r.file = "talk.wav";
  r.pipeline = "community-1";
  const std::string text = format_json(r);
  CHECK(nlohmann::json::parse(text)["pipeline"] == "community-1");
  CHECK(parse_json(text).pipeline == "community-1");
  r.pipeline.clear();  // an input without samples, diarized by nothing
  CHECK_FALSE(nlohmann::json::parse(format_json(r)).contains("pipeline"));
}

TEST_CASE("JSON parser rejects other documents", "[json]") {
  CHECK_THROWS_WITH(parse_json("[1,2]"), Catch::Contains("diarize.result/1"));
  CHECK_THROWS_WITH(parse_json("{"), "not valid JSON");
  CHECK_THROWS(parse_json(R"({"schema":"diarize.result/1","uri":"a"})"));
}
