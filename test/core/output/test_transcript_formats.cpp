// Every output format of a hand-built result, byte for byte against test/core/output/expected/.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "output/json_output.h"
#include "output/speaker_summary.h"
#include "output/subtitles.h"
#include "output/timeline_svg.h"
#include "output/transcript_text.h"
#include "output/turn_tables.h"
#include "transcript_fixture.h"

using namespace diarize;
using diarize::test::check_expected_file;

TEST_CASE("Formats with a transcript match their expected files", "[formats]") {
  const test::TranscriptFixture f = test::transcript_fixture();
  const auto& labels = f.result.diarization.labels;
  const std::vector<SubtitleCue> cues = subtitle_cues(labels, f.result.diarization.exclusive_turns, &f.transcript);
  check_expected_file("talk.srt", format_srt(cues));
  check_expected_file("talk.vtt", format_webvtt(cues));
  check_expected_file("talk.txt", format_transcript_text(labels, f.transcript));
  check_expected_file("talk.json", format_json(f.result, &f.transcript) + "\n");
}

TEST_CASE("Formats without a transcript match their expected files", "[formats]") {
  const test::TranscriptFixture f = test::transcript_fixture();
  const auto& labels = f.result.diarization.labels;
  const std::vector<SubtitleCue> cues = subtitle_cues(labels, f.result.diarization.exclusive_turns, nullptr);
  check_expected_file("turns.srt", format_srt(cues));
  check_expected_file("turns.vtt", format_webvtt(cues));
  check_expected_file("talk.tsv", format_tsv(labels, f.result.diarization.turns));
  check_expected_file("talk.labels.txt", format_audacity_labels(labels, f.result.diarization.turns));
  check_expected_file("talk.svg", format_timeline_svg(f.result.file, f.result.duration_s, labels,
                                                      f.result.diarization.turns));
}

TEST_CASE("Speaker summary: speech, share, turns and overlap from the regular turns", "[formats]") {
  const test::TranscriptFixture f = test::transcript_fixture();
  const auto s = summarize_speakers(f.result.diarization.labels, f.result.diarization.turns);
  REQUIRE(s.size() == 3);
  // Exact sums of a few binary fractions; 1e-12 absorbs the order of additions.
  CHECK(s[0].speech_s == Approx(5.5).margin(1e-12));
  CHECK(s[0].turns == 2);
  CHECK(s[0].overlap_s == Approx(0.5).margin(1e-12));
  CHECK(s[1].speech_s == Approx(3.75).margin(1e-12));
  CHECK(s[1].overlap_s == Approx(0.5).margin(1e-12));
  CHECK(s[2].speech_s == Approx(0.5).margin(1e-12));
  CHECK(s[2].overlap_s == 0.0);
  CHECK(s[0].share == Approx(5.5 / 9.75).margin(1e-12));
  CHECK(s[0].share + s[1].share + s[2].share == Approx(1.0).margin(1e-12));

  SECTION("a speaker's own touching or overlapping turns are no overlap, three at once count for each") {
    const std::vector<SpeakerTurn> turns = {{0, 2, 0}, {2, 3, 0}, {1, 4, 0}, {1.5, 2.5, 1}, {2, 2.25, 2}};
    const auto t = summarize_speakers({"A", "B", "C"}, turns);
    CHECK(t[0].speech_s == Approx(4.0).margin(1e-12));
    CHECK(t[0].turns == 3);
    CHECK(t[0].overlap_s == Approx(1.0).margin(1e-12));
    CHECK(t[1].overlap_s == Approx(1.0).margin(1e-12));
    CHECK(t[2].overlap_s == Approx(0.25).margin(1e-12));
  }
  SECTION("nobody speaks: shares are 0") {
    const auto t = summarize_speakers({"A"}, {});
    CHECK(t[0].share == 0.0);
    CHECK(t[0].turns == 0);
  }
}

TEST_CASE("JSON additions: words with speakers and null times, summary per label", "[formats][json]") {
  test::TranscriptFixture f = test::transcript_fixture();
  f.transcript.words.push_back({"untimed", 0.0, 0.0, false, 1});
  const auto j = nlohmann::json::parse(format_json(f.result, &f.transcript));
  CHECK(j["summary"]["SPEAKER_00"]["speech_s"] == 5.5);
  CHECK(j["summary"]["SPEAKER_00"]["share"] == 0.5641);
  CHECK(j["summary"]["SPEAKER_01"]["turns"] == 1);
  CHECK(j["summary"]["SPEAKER_02"]["overlap_s"] == 0.0);
  CHECK(j["words"][5]["word"] == "Fine,");
  CHECK(j["words"][5]["speaker"] == "SPEAKER_01");
  CHECK(j["words"].back()["start"].is_null());
  CHECK(j["words"].back()["speaker"] == "SPEAKER_01");
  // Without a transcript there is no "words" member, and the result still reads back.
  const std::string plain = format_json(f.result);
  CHECK_FALSE(nlohmann::json::parse(plain).contains("words"));
  CHECK(parse_json(plain).diarization.turns.size() == 4);
}

TEST_CASE("Subtitle details: escaping, times past 99 hours, UNKNOWN", "[formats]") {
  CHECK(format_cue_time(0.0004, ',') == "00:00:00,000");
  CHECK(format_cue_time(0.0005, ',') == "00:00:00,001");
  CHECK(format_cue_time(3723.5, '.') == "01:02:03.500");
  CHECK(format_cue_time(360000.0, ',') == "100:00:00,000");
  const std::vector<SubtitleCue> cues = {{1.0, 2.0, "UNKNOWN", "a <b> & c --> d", true}};
  CHECK(format_webvtt(cues) == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v UNKNOWN>a &lt;b&gt; &amp; c --&gt; d\n\n");
  CHECK(format_srt(cues) == "1\n00:00:01,000 --> 00:00:02,000\n[UNKNOWN] a <b> & c --> d\n\n");
  const std::vector<SubtitleCue> odd = {{1.0, 2.0, "SPEAKER_00", "caf\xC3 \"quoted\"", true}};
  CHECK(format_webvtt(odd) == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v SPEAKER_00>caf\xEF\xBF\xBD \"quoted\"\n\n");
  CHECK(format_srt({}).empty());
  CHECK(format_webvtt({}) == "WEBVTT\n\n");
}
