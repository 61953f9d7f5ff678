// RTTM writer format and reader error reporting.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "output/rttm.h"

using namespace diarize;

TEST_CASE("RTTM lines are written exactly as pyannote.core writes them", "[rttm]") {
  Diarization d;
  d.labels = {"SPEAKER_00", "SPEAKER_01"};
  d.turns = {{0.5, 2.25, 0}, {1.0, 1.0004, 1}};
  REQUIRE(format_rttm("my_file", d) ==
          "SPEAKER my_file 1 0.500 1.750 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
          "SPEAKER my_file 1 1.000 0.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n");
}

TEST_CASE("RTTM round trip keeps uri, times and labels", "[rttm]") {
  Diarization d;
  d.labels = {"SPEAKER_00", "SPEAKER_01"};
  d.turns = {{0.017, 3.5, 0}, {2.0, 9.875, 1}};
  std::istringstream in(format_rttm("a", d));
  const auto turns = parse_rttm(in, "mem");
  REQUIRE(turns.size() == 2);
  CHECK(turns[0].uri == "a");
  CHECK(turns[0].start_s == Approx(0.017));
  CHECK(turns[0].end_s() == Approx(3.5));
  CHECK(turns[1].speaker == "SPEAKER_01");
  CHECK(turns[1].duration_s == Approx(7.875));
}

TEST_CASE("RTTM reader reports malformed lines with their numbers", "[rttm]") {
  auto error_of = [](const std::string& text) {
    std::istringstream in(text);
    try {
      parse_rttm(in, "ref.rttm");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("SPEAKER a 1 0.0 1.0 <NA> <NA> s1 <NA> <NA>\nSPEAKER a 1 x 1.0 <NA> <NA> s1 <NA> <NA>\n") ==
        "ref.rttm:2: onset 'x' is not a number");
  CHECK(error_of("\n\nSPEAKER a 1 0.0\n") == "ref.rttm:3: a SPEAKER line needs at least 8 fields, found 4");
  CHECK(error_of("SPEAKER a 1 0.0 -1 <NA> <NA> s1 <NA> <NA>\n") == "ref.rttm:1: negative duration -1");
  CHECK(error_of("BANANA a 1 0.0 1 <NA> <NA> s1 <NA> <NA>\n") == "ref.rttm:1: unknown record type 'BANANA'");
  CHECK(error_of("SPKR-INFO a 1 <NA> <NA> <NA> unknown s1 <NA> <NA>\n;; comment\n") == "no error");
}

TEST_CASE("No uri can split or add RTTM fields or records", "[rttm][uri]") {
  std::string hostile = "a b\tc\nd\re";
  for (int byte = 0; byte <= 0x20; ++byte) hostile.push_back(static_cast<char>(byte));
  hostile += "\x7f\xc3\xa9z";  // DEL, then UTF-8 that stays as it is
  const std::string uri = sanitize_uri(hostile);
  CHECK(uri == "a_b_c_d_e" + std::string(33, '_') + "_\xc3\xa9z");
  CHECK(uri_for_path("folder/tab\there.wav") == "tab_here");
  CHECK(uri_for_path("new\nline.flac") == "new_line");
  CHECK(uri_for_path("with space.wav") == "with_space");
  CHECK(uri_for_path("-") == "stdin");
  Diarization d;
  d.labels = {"SPEAKER_00"};
  d.turns = {{0.0, 1.0, 0}};
  const std::string rttm = format_rttm(uri_for_path("x\n\ty z.wav"), d);
  CHECK(std::count(rttm.begin(), rttm.end(), '\n') == 1);
  std::istringstream in(rttm);
  const auto turns = parse_rttm(in, "mem");
  REQUIRE(turns.size() == 1);
  CHECK(turns[0].uri == "x__y_z");
}
