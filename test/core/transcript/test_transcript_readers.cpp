// Transcript readers: each supported layout, written by hand after the recognisers' own writers,
// recognised by content, and malformed input reported as "<file>:<line>: <reason>".
#include <catch2/catch.hpp>

#include <cmath>

#include "test_support.h"
#include "transcript/located_json.h"
#include "transcript/subtitle_reader.h"
#include "transcript/transcript_reader.h"

using namespace diarize;

namespace {

Transcript read_sample(const std::string& name) {
  return read_transcript_file(test::test_source_path("core/transcript/samples/" + name));
}

// Times in the samples are whole milliseconds; the readers turn ms into seconds exactly enough.
void check_times(const TranscriptSegment& s, double start_s, double end_s) {
  CHECK(s.start_s == Approx(start_s).margin(1e-9));
  CHECK(s.end_s == Approx(end_s).margin(1e-9));
}

void check_word(const TranscriptWord& w, const std::string& text, double start_s, double end_s) {
  CHECK(w.text == text);
  CHECK(w.timed);
  CHECK(w.start_s == Approx(start_s).margin(1e-9));
  CHECK(w.end_s == Approx(end_s).margin(1e-9));
}

std::string error_of(const std::string& text) {
  try {
    parse_transcript(text, "t.txt");
  } catch (const TranscriptError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("SRT: cues, markup, CRLF, coordinates, empty cues and long hours", "[transcript]") {
  const Transcript t = read_sample("talk.srt");
  CHECK(t.format == "srt");
  REQUIRE(t.segments.size() == 3);  // the cue without text is skipped
  check_times(t.segments[0], 0.6, 2.6);
  CHECK(t.segments[0].text == "Hello there, how are you?");
  CHECK(t.segments[0].words.empty());
  check_times(t.segments[1], 4.2, 5.6);
  CHECK(t.segments[1].text == "Fine, thanks.");
  check_times(t.segments[2], 3600.0, 3601.5);
  CHECK(t.segments[2].text == "Late.");
}

TEST_CASE("WebVTT: header, STYLE and NOTE blocks, identifiers, settings, tags and entities", "[transcript]") {
  const Transcript t = read_sample("talk.vtt");
  CHECK(t.format == "webvtt");
  REQUIRE(t.segments.size() == 2);
  check_times(t.segments[0], 0.6, 2.6);
  CHECK(t.segments[0].text == "Hello & welcome, how are you?");
  check_times(t.segments[1], 4.2, 5.6);
  CHECK(t.segments[1].text == "Fine <thanks>.");
}

TEST_CASE("whisper.cpp -oj: segments from offsets in milliseconds", "[transcript]") {
  const Transcript t = read_sample("whisper_cpp.json");
  CHECK(t.format == "whisper.cpp");
  REQUIRE(t.segments.size() == 2);
  check_times(t.segments[0], 0.6, 2.6);
  CHECK(t.segments[0].text == "Hello there, how are you?");
  CHECK(t.segments[0].words.empty());
  CHECK(t.segments[1].text == "Fine, \"thanks\" \\o/");
}

TEST_CASE("whisper.cpp -ojf: sub-word tokens merge into words, special tokens are skipped", "[transcript]") {
  const Transcript t = read_sample("whisper_cpp_full.json");
  REQUIRE(t.segments.size() == 1);
  const TranscriptSegment& s = t.segments[0];
  check_times(s, 0.0, 5.6);
  CHECK(s.text == "Hello there, café? Fine.");
  REQUIRE(s.words.size() == 4);
  check_word(s.words[0], "Hello", 0.6, 1.0);   // " Hel" + "lo"
  check_word(s.words[1], "there,", 1.0, 1.4);  // punctuation joins the word before it
  check_word(s.words[2], "café?", 1.5, 2.6);   // a character split across two tokens' bytes
  check_word(s.words[3], "Fine.", 4.2, 5.6);   // the untimed [_TT_280] after it is skipped
}

TEST_CASE("OpenAI Whisper JSON: words with probabilities, \\u escapes and surrogate pairs, NaN", "[transcript]") {
  const Transcript t = read_sample("whisper.json");
  CHECK(t.format == "whisper");
  REQUIRE(t.segments.size() == 5);
  check_times(t.segments[0], 0.6, 6.0);
  REQUIRE(t.segments[0].words.size() == 7);
  check_word(t.segments[0].words[1], "there,", 1.0, 1.4);
  check_word(t.segments[0].words[6], "thanks.", 4.9, 5.6);
  CHECK(t.segments[4].text == "Café \xF0\x9F\x98\x80.");
  CHECK(t.segments[4].words[1].text == "\xF0\x9F\x98\x80.");
}

TEST_CASE("WhisperX JSON: words without times, segments without times", "[transcript]") {
  const Transcript t = read_sample("whisperx.json");
  CHECK(t.format == "whisperx");
  REQUIRE(t.segments.size() == 2);
  const TranscriptSegment& s = t.segments[0];
  REQUIRE(s.words.size() == 9);
  CHECK(s.words[4].timed);
  CHECK_FALSE(s.words[5].timed);
  CHECK(s.words[5].text == "in");
  CHECK_FALSE(s.words[6].timed);
  check_word(s.words[7], "Fine,", 4.2, 4.8);
  // The second segment's times are NaN: its words' span stands in.
  check_times(t.segments[1], 7.6, 7.9);
}

TEST_CASE("Transcripts are recognised by content, not by name", "[transcript]") {
  CHECK(parse_transcript("1\n00:00:01,000 --> 00:00:02,000\nhi\n", "x.json").format == "srt");
  CHECK(parse_transcript("\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "x.srt").format == "webvtt");
  CHECK(parse_transcript(R"({"segments": []})", "x.vtt").format == "whisper");
  CHECK(parse_transcript(" \n", "x.srt").segments.empty());
  // SRT without cue numbers (some tools leave them out) and with '.' before the milliseconds.
  const Transcript t = parse_transcript("00:00:01.000 --> 00:00:02.000\nhi\n\n00:00:03,000 --> 00:00:04,000\nyo", "x");
  REQUIRE(t.segments.size() == 2);
  CHECK(t.segments[1].text == "yo");
}

TEST_CASE("Malformed transcripts: one line naming the file and the line", "[transcript]") {
  // SRT
  CHECK(error_of("1\n00:00:01,000 --> 00:00:02,000\nhi\n\nhello\n") ==
        "t.txt:5: a cue number or a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm' was expected, found 'hello'");
  CHECK(error_of("1\n00:00:01,000 -> 00:00:02,000\nhi\n") ==
        "t.txt:2: a timing line 'START --> END' was expected");
  CHECK(error_of("1\n\n") == "t.txt:2: cue 1 has no timing line");
  CHECK(error_of("7") == "t.txt:1: cue 7 has no timing line");
  CHECK(error_of("1\n00:00:01,000 --> 00:00:0x,000\nhi\n") == "t.txt:2: '00:00:0x,000' is not a cue time (HH:MM:SS,mmm)");
  CHECK(error_of("1\n00:00:03,000 --> 00:00:02,000\nhi\n") ==
        "t.txt:2: the cue ends (00:00:02,000) before it starts (00:00:03,000)");
  CHECK(error_of("1\n00:61:00,000 --> 01:02:00,000\nhi\n") == "t.txt:2: '00:61:00,000' is not a cue time (HH:MM:SS,mmm)");
  // WebVTT
  CHECK(error_of("WEBVTT\n\nintro\nhello\n") == "t.txt:4: the cue 'intro' has no timing line");
  CHECK(error_of("WEBVTTX\n") == "t.txt:1: a WebVTT file starts with the line 'WEBVTT'");
  CHECK(error_of("WEBVTT\n\n00:01.000 --> 00:0.000\nhi\n") == "t.txt:3: '00:0.000' is not a cue time (HH:MM:SS,mmm)");
  // JSON syntax
  CHECK(error_of("{\n\"segments\": [\n{\"start\": 1,\n}]}") == "t.txt:4: a member name in double quotes was expected");
  CHECK(error_of("{\"segments\": [1, 2") == "t.txt:1: unexpected end of the file inside an array");
  CHECK(error_of("{\"a\": \"\\x\"}") == "t.txt:1: unknown escape '\\x' in a string");
  CHECK(error_of("{\"a\": 01}") == "t.txt:1: ',' or '}' was expected in an object");
  CHECK(error_of("{} x") == "t.txt:1: unexpected text after the JSON value");
  CHECK(error_of(std::string(500, '[')).find("t.txt:1: ") == 0);
  CHECK(error_of("{" + std::string(300, '[')) == "t.txt:1: a member name in double quotes was expected");
  CHECK(error_of("{\"a\":" + std::string(300, '[')) == "t.txt:1: JSON nested deeper than 200 levels");
  // JSON layout
  CHECK(error_of("{\"text\": \"hi\"}") ==
        "t.txt:1: JSON with neither \"transcription\" (whisper.cpp) nor \"segments\" (Whisper, WhisperX)");
  CHECK(error_of("{\"segments\": [\n {\"start\": 1, \"end\": 2}]}") == "t.txt:2: a segment has no \"text\"");
  CHECK(error_of("{\"segments\": [\n {\"start\": 1,\n  \"end\": \"2\", \"text\": \"a\"}]}") ==
        "t.txt:3: a segment's \"end\" is not a finite number");
  CHECK(error_of("{\"segments\": [{\"start\": 3, \"end\": 2, \"text\": \"a\"}]}") == "t.txt:1: a segment ends before it starts");
  CHECK(error_of("{\"segments\": [{\"start\": -1, \"end\": 2, \"text\": \"a\"}]}") ==
        "t.txt:1: a segment's \"start\" is negative");
  CHECK(error_of("{\"segments\": [{\"text\": \"a\", \"words\": [{\"word\": \"a\"}]}]}") ==
        "t.txt:1: a segment has neither times of its own nor timed words");
  CHECK(error_of("{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"a\", \"words\": [\n{\"start\": 0}]}]}") ==
        "t.txt:2: a word has no \"word\"");
  CHECK(error_of("{\"transcription\": [\n{\"text\": \"a\"}]}") == "t.txt:2: a \"transcription\" entry has no \"offsets\"");
  CHECK(error_of("{\"transcription\": [{\"offsets\": {\"from\": 5,\n \"to\": Infinity}, \"text\": \"a\"}]}") ==
        "t.txt:2: a \"transcription\" entry's offsets.to is not a finite number");
  CHECK(error_of("{\"transcription\": [{\"offsets\": {\"from\": 0, \"to\": 9}, \"text\": \"a\", \"tokens\": [\n\"x\"]}]}") ==
        "t.txt:2: a token is not an object");
  CHECK(error_of("{\"transcription\": {}}") == "t.txt:1: the JSON's \"transcription\" is not an array");
}

TEST_CASE("Unreadable transcript files are errors naming the file", "[transcript]") {
  CHECK_THROWS_WITH(read_transcript_file("/nonexistent/x.srt"), "/nonexistent/x.srt: No such file or directory");
  const std::string dir = test::make_temp_dir();
  CHECK_THROWS_WITH(read_transcript_file(dir), dir + ": is a folder, not a transcript file");
}

TEST_CASE("Cue times", "[transcript]") {
  double s = -1;
  CHECK(parse_cue_time("00:00:01,500", s));
  CHECK(s == Approx(1.5));
  CHECK(parse_cue_time("12:34.567", s));
  CHECK(s == Approx(754.567));
  CHECK(parse_cue_time("100:00:00.001", s));
  CHECK(s == Approx(360000.001));
  CHECK(parse_cue_time("00:00:02", s));
  CHECK(s == Approx(2.0));
  for (const char* bad : {"", "1", "00:00:01,0000", "00:00:01,", "00:60:00,000", "a0:00:00,000",
                          "00:00:00,000,1", "-00:00:01,000"}) {
    INFO(bad);
    CHECK_FALSE(parse_cue_time(bad, s));
  }
}

TEST_CASE("Located JSON: values, lines and Python's non-finite numbers", "[transcript]") {
  const LocatedJson j = parse_located_json("{\n \"a\": [1, -2.5e1, true, false, null],\n \"b\": \"x\\u00e9\",\n"
                                           " \"c\": NaN, \"d\": -Infinity, \"e\": 1e999, \"f\": 1e-999}",
                                           "j");
  REQUIRE(j.is_object());
  const LocatedJson* a = j.find("a");
  REQUIRE(a);
  CHECK(a->line == 2);
  REQUIRE(a->items.size() == 5);
  CHECK(a->items[1].number == -25.0);
  CHECK(a->items[2].boolean);
  CHECK(a->items[4].kind == LocatedJson::Kind::kNull);
  CHECK(j.find("b")->string == "x\xC3\xA9");
  CHECK(j.find("b")->line == 3);
  CHECK(std::isnan(j.find("c")->number));
  CHECK(j.find("d")->number == -INFINITY);
  CHECK(j.find("e")->number == INFINITY);
  CHECK(j.find("f")->number == 0.0);
  CHECK(j.find("g") == nullptr);
  // A lone surrogate becomes U+FFFD instead of ill-formed UTF-8.
  CHECK(parse_located_json("\"\\ud83d!\"", "j").string == "\xEF\xBF\xBD!");
}
