// UEM reader: channels, several regions per file, line-numbered errors.
#include <catch2/catch.hpp>

#include <sstream>

#include "errors.h"
#include "scoring/uem.h"
#include "test_support.h"

using namespace diarize;

namespace {
std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    parse_uem(in, "x.uem");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("UEM: NA or numeric channel, several regions merged per file", "[uem]") {
  std::istringstream in(
      ";; comment\n"
      "a NA 5.0 8.0\n"
      "a 1 0.0 2.5\r\n"
      "\n"
      "a <NA> 7.5 9.0\n"
      "b 1 0 30\n");
  const Uem uem = parse_uem(in, "x.uem");
  REQUIRE(uem.size() == 2);
  const auto& a = uem.at("a");
  REQUIRE(a.size() == 2);
  CHECK(a[0].start_s == 0.0);
  CHECK(a[0].end_s == 2.5);
  CHECK(a[1].start_s == 5.0);
  CHECK(a[1].end_s == 9.0);  // 5-8 and 7.5-9 overlap
  CHECK(uem.at("b")[0].end_s == 30.0);
}

TEST_CASE("UEM: malformed lines are reported with their numbers", "[uem]") {
  CHECK(error_of("a NA 0 1\na NA 0\n") ==
        "x.uem:2: a UEM line needs 4 fields (<file> <channel> <onset> <offset>), found 3");
  CHECK(error_of("a left 0 1\n") == "x.uem:1: channel 'left' is neither NA nor a number");
  CHECK(error_of("a 1 zero 1\n") == "x.uem:1: onset 'zero' is not a number");
  CHECK(error_of("a 1 0 1s\n") == "x.uem:1: offset '1s' is not a number");
  CHECK(error_of("a 1 -2 1\n") == "x.uem:1: negative onset -2");
  CHECK(error_of("\na 1 3 1\n") == "x.uem:2: offset 1 is before onset 3");
  CHECK_THROWS_AS(read_uem_file("/nonexistent/x.uem"), InputError);
}

TEST_CASE("UEM: the AMI excerpts' file (NA channel) reads", "[uem]") {
  const Uem uem = read_uem_file(test::shared_path("data/ami_excerpts/reference.uem"));
  CHECK(uem.size() == 12);
  for (const auto& [uri, regions] : uem) {
    REQUIRE(regions.size() == 1);
    CHECK(regions[0].start_s == 0.0);
    CHECK(regions[0].end_s == 30.0);
  }
}
