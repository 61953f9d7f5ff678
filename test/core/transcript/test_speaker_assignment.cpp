// Word and segment to speaker assignment on hand-built exclusive turns with known answers.
#include <catch2/catch.hpp>

#include "transcript/speaker_assignment.h"

using namespace diarize;

namespace {

// SPEAKER_00 0.5-3.75, SPEAKER_01 3.75-7.25 (the regular turns overlapped from 3.5 to 4.0),
// SPEAKER_00 8.0-10.0, SPEAKER_02 12.0-12.5.
const std::vector<SpeakerTurn> kExclusive = {{0.5, 3.75, 0}, {3.75, 7.25, 1}, {8.0, 10.0, 0}, {12.0, 12.5, 2}};

int speaker_of(double start_s, double end_s) { return speaker_for_interval(kExclusive, start_s, end_s); }

TranscriptWord timed(const std::string& text, double start_s, double end_s) { return {text, start_s, end_s, true}; }
TranscriptWord untimed(const std::string& text) { return {text, 0.0, 0.0, false}; }

}  // namespace

TEST_CASE("Assignment: the speaker with the longest overlap", "[assignment]") {
  CHECK(speaker_of(1.0, 2.0) == 0);     // inside one turn
  CHECK(speaker_of(3.6, 4.0) == 1);     // in the regular overlap: 0.15 s of SPEAKER_00, 0.25 s of SPEAKER_01
  CHECK(speaker_of(3.0, 5.0) == 1);     // across a boundary: 0.75 s against 1.25 s
  CHECK(speaker_of(6.0, 13.0) == 0);    // 2.0 s of SPEAKER_00 beats 1.25 s and 0.5 s
}

TEST_CASE("Assignment: ties go to the lower label number", "[assignment]") {
  CHECK(speaker_of(3.5, 4.0) == 0);    // 0.25 s each
  CHECK(speaker_of(7.0, 8.25) == 0);   // 0.25 s each, SPEAKER_01 first in time
  CHECK(speaker_of(3.75, 3.75) == 0);  // a zero-length word on the boundary touches both
  CHECK(speaker_of(11.0, 11.0) == 0);  // 1 s from SPEAKER_00's end and from SPEAKER_02's start
}

TEST_CASE("Assignment: words in silence take the nearest turn within 1 s, else UNKNOWN", "[assignment]") {
  CHECK(speaker_of(7.5, 7.9) == 0);     // 0.25 s after SPEAKER_01, 0.1 s before SPEAKER_00
  CHECK(speaker_of(0.0, 0.2) == 0);     // before the first turn
  CHECK(speaker_of(10.6, 10.8) == 0);   // 0.6 s after SPEAKER_00, 1.2 s before SPEAKER_02
  CHECK(speaker_of(13.5, 13.7) == 2);   // exactly 1 s after SPEAKER_02: still its word
  CHECK(speaker_of(13.6, 13.8) == kUnknownSpeaker);  // 1.1 s away
  CHECK(speaker_of(100.0, 101.0) == kUnknownSpeaker);
  CHECK(speaker_for_interval({}, 1.0, 2.0) == kUnknownSpeaker);
  AssignmentConfig wider;
  wider.max_gap_s = 2.0;
  CHECK(speaker_for_interval(kExclusive, 13.6, 13.8, wider) == 2);
}

TEST_CASE("Assignment does not rely on the turns being sorted or disjoint", "[assignment]") {
  const std::vector<SpeakerTurn> regular = {{8.0, 10.0, 0}, {3.5, 7.25, 1}, {0.5, 4.0, 0}, {0.0, 20.0, 3}};
  CHECK(speaker_for_interval(regular, 1.0, 2.0) == 0);  // 1 s each for 0 and 3: the lower wins
  CHECK(speaker_for_interval(regular, 11.0, 12.0) == 3);
  CHECK(speaker_for_interval(regular, 5.0, 6.0) == 1);  // 1 s each for 1 and 3
}

TEST_CASE("Assignment: words split a segment where the speaker changes", "[assignment]") {
  Transcript t;
  TranscriptSegment s;
  s.start_s = 0.6;
  s.end_s = 6.0;
  s.text = "Hello there, how are you? Fine, thanks.";
  s.words = {timed("Hello", 0.6, 1.0), timed("there,", 1.0, 1.4), timed("how", 1.5, 1.8), timed("are", 1.8, 2.0),
             timed("you?", 2.0, 2.6), timed("Fine,", 4.2, 4.8), timed("thanks.", 4.9, 5.6)};
  t.segments.push_back(s);
  const AttributedTranscript a = assign_speakers(t, kExclusive);
  REQUIRE(a.words.size() == 7);
  CHECK(a.words[4].speaker == 0);
  CHECK(a.words[5].speaker == 1);
  REQUIRE(a.cues.size() == 2);
  CHECK(a.cues[0].text == "Hello there, how are you?");
  CHECK(a.cues[0].start_s == 0.6);
  CHECK(a.cues[0].end_s == 2.6);
  CHECK(a.cues[0].speaker == 0);
  CHECK(a.cues[1].text == "Fine, thanks.");
  CHECK(a.cues[1].start_s == 4.2);
  CHECK(a.cues[1].end_s == 5.6);
  CHECK(a.cues[1].speaker == 1);

  SECTION("words the text does not contain: the pieces are the words joined by spaces") {
    t.segments[0].text = "something else entirely";
    const AttributedTranscript b = assign_speakers(t, kExclusive);
    REQUIRE(b.cues.size() == 2);
    CHECK(b.cues[0].text == "Hello there, how are you?");
    CHECK(b.cues[1].text == "Fine, thanks.");
  }
  SECTION("a segment of one speaker keeps its own times and text") {
    t.segments[0].words.resize(5);
    const AttributedTranscript b = assign_speakers(t, kExclusive);
    REQUIRE(b.cues.size() == 1);
    CHECK(b.cues[0].start_s == 0.6);
    CHECK(b.cues[0].end_s == 6.0);
    CHECK(b.cues[0].text == s.text);
  }
}

TEST_CASE("Assignment: words without times inherit from the timed words of their segment", "[assignment]") {
  Transcript t;
  TranscriptSegment s;
  s.start_s = 3.0;
  s.end_s = 9.0;
  s.text = "Well, yes indeed. OK then";
  s.words = {untimed("Well,"), timed("yes", 4.0, 4.5), untimed("indeed."), timed("OK", 8.2, 8.5), untimed("then")};
  t.segments.push_back(s);
  const AttributedTranscript a = assign_speakers(t, kExclusive);
  REQUIRE(a.words.size() == 5);
  CHECK(a.words[0].speaker == 1);  // leading: the next timed word's speaker
  CHECK(a.words[2].speaker == 1);  // the previous timed word's
  CHECK(a.words[4].speaker == 0);
  CHECK_FALSE(a.words[0].timed);
  REQUIRE(a.cues.size() == 2);
  CHECK(a.cues[0].text == "Well, yes indeed.");
  CHECK(a.cues[0].start_s == 4.0);  // from its timed word
  CHECK(a.cues[0].end_s == 4.5);
  CHECK(a.cues[1].text == "OK then");
  CHECK(a.cues[1].start_s == 8.2);
}

TEST_CASE("Assignment: segments without word times are assigned whole", "[assignment]") {
  Transcript t;
  t.segments.push_back({7.0, 9.5, "Fine, thanks.", {}});
  t.segments.push_back({20.0, 21.0, "Anyone?", {}});
  TranscriptSegment no_times{11.0, 11.6, "one two", {untimed("one"), untimed("two")}};
  t.segments.push_back(no_times);
  const AttributedTranscript a = assign_speakers(t, kExclusive);
  REQUIRE(a.cues.size() == 3);
  CHECK(a.cues[0].speaker == 0);  // 1.5 s of SPEAKER_00 against 0.25 s of SPEAKER_01
  CHECK(a.cues[1].speaker == kUnknownSpeaker);
  CHECK(a.cues[2].speaker == 2);
  REQUIRE(a.words.size() == 4);  // the first two segments count as one word each
  CHECK(a.words[0].text == "Fine, thanks.");
  CHECK(a.words[0].timed);
  CHECK(a.words[2].text == "one");
  CHECK_FALSE(a.words[2].timed);
  CHECK(a.words[3].speaker == 2);
}

TEST_CASE("Speaker names", "[assignment]") {
  const std::vector<std::string> labels = {"SPEAKER_00", "SPEAKER_01"};
  CHECK(speaker_name(labels, 1) == "SPEAKER_01");
  CHECK(speaker_name(labels, kUnknownSpeaker) == "UNKNOWN");
}
