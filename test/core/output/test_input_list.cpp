// Parsing and reading --files-from / --files-from0 lists (core/output/input_list.h).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "errors.h"
#include "output/input_list.h"
#include "test_support.h"

using namespace diarize;
using Entries = std::vector<std::string>;

TEST_CASE("A line list skips blank and comment lines and drops a trailing CR", "[output][input-list]") {
  const std::string text =
      "a.wav\r\n"
      "\n"
      "   \t\n"
      "# a comment\n"
      "   # an indented comment\n"
      "dir/b c.flac\n"
      "not#a comment.wav\n"
      " leading blank.wav\n"
      "/abs/x.wav";  // no final newline
  CHECK(parse_input_list(text, ListSeparator::kLine) ==
        Entries{"a.wav", "dir/b c.flac", "not#a comment.wav", " leading blank.wav", "/abs/x.wav"});
}

TEST_CASE("A NUL list keeps raw paths: newlines, '#' and CR are part of the name", "[output][input-list]") {
  const std::string text = std::string("a\nb.wav") + '\0' + "#c.wav" + '\0' + '\0' + "d.wav\r" + '\0';
  CHECK(parse_input_list(text, ListSeparator::kNul) == Entries{"a\nb.wav", "#c.wav", "d.wav\r"});
}

TEST_CASE("'-' in a list is a file called '-', never stdin", "[output][input-list]") {
  CHECK(parse_input_list("-\n", ListSeparator::kLine) == Entries{"./-"});
  CHECK(parse_input_list(std::string("-") + '\0', ListSeparator::kNul) == Entries{"./-"});
}

TEST_CASE("An empty list has no entries", "[output][input-list]") {
  CHECK(parse_input_list("", ListSeparator::kLine).empty());
  CHECK(parse_input_list("# only a comment\n\n", ListSeparator::kLine).empty());
  CHECK(parse_input_list(std::string(3, '\0'), ListSeparator::kNul).empty());
}

TEST_CASE("A list file is read whole; one that cannot be read is a usage error naming it", "[output][input-list]") {
  const std::string dir = test::make_temp_dir();
  const std::string list = dir + "/list.txt";
  std::ofstream(list) << "x.wav\n# skip\ny.wav\n";
  CHECK(read_input_list(list, ListSeparator::kLine) == Entries{"x.wav", "y.wav"});
  CHECK_THROWS_WITH(read_input_list(dir + "/missing.txt", ListSeparator::kLine),
                    Catch::StartsWith(dir + "/missing.txt: cannot read the input list: "));
  CHECK_THROWS_AS(read_input_list(dir, ListSeparator::kLine), UsageError);
}
