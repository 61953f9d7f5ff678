// The output-name rule and its collision check (core/output/output_naming.h).
#include <catch2/catch.hpp>

#include "errors.h"
#include "output/output_naming.h"

using namespace diarize;

namespace {

InputItem file_argument(const std::string& path) {
  InputItem item;
  item.path = path;
  return item;
}

InputItem found_in(const std::string& folder, const std::string& path) {
  InputItem item;
  item.path = path;
  item.folder = folder;
  item.from_folder = true;
  return item;
}

}  // namespace

TEST_CASE("file_stem drops the folder and the last extension only", "[output][output-naming]") {
  CHECK(file_stem("talks/a.b.wav") == "a.b");
  CHECK(file_stem("x.wav") == "x");
  CHECK(file_stem("noext") == "noext");
  CHECK(file_stem(".wav") == ".wav");
  CHECK(file_stem("dir/with space.flac") == "with space");
  CHECK(file_stem("-") == "stdin");
}

TEST_CASE("Files named alone go to <stem>.<ext>; folder finds keep their path below the folder", "[output][output-naming]") {
  CHECK(output_relative_path(file_argument("a/b/talk.wav"), "rttm") == "talk.rttm");
  CHECK(output_relative_path(file_argument("-"), "json") == "stdin.json");
  CHECK(output_relative_path(found_in("corpus", "corpus/day1/talk.flac"), "rttm") == "day1/talk.rttm");
  CHECK(output_relative_path(found_in("corpus/", "corpus/talk.flac"), "rttm") == "talk.rttm");
  CHECK(output_relative_path(found_in("corpus", "corpus/talk.flac"), "labels.txt") == "talk.labels.txt");
  CHECK(output_relative_stem(found_in("corpus", "corpus/day1/talk.flac")) == "day1/talk");
  const std::vector<std::vector<std::string>> paths =
      output_paths_in_folder({file_argument("x/one.wav"), found_in("c", "c/d/two.wav")}, "out//", {"rttm", "srt"});
  CHECK(paths == std::vector<std::vector<std::string>>{{"out/one.rttm", "out/one.srt"}, {"out/d/two.rttm", "out/d/two.srt"}});
}

TEST_CASE("Two inputs for one output are a usage error naming both", "[output][output-naming]") {
  const auto message_for = [](const std::vector<InputItem>& items) {
    try {
      output_paths_in_folder(items, "out", {"rttm"});
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message_for({file_argument("a/x.wav"), file_argument("b/x.wav")}) ==
        "a/x.wav and b/x.wav would both be written to out/x.rttm (output names: docs/cli.md)");
  CHECK(message_for({found_in("d", "d/y.flac"), found_in("d", "d/y.wav")}) ==
        "d/y.flac and d/y.wav would both be written to out/y.rttm (output names: docs/cli.md)");
  CHECK(message_for({file_argument("x.wav"), file_argument("x.wav")}).find("would both be written") != std::string::npos);
  CHECK(message_for({file_argument("d/y.wav"), found_in("d", "d/y.wav")}).find("would both be written") !=
        std::string::npos);
  CHECK(message_for({file_argument("z.wav"), found_in("c", "c/z/w.wav")}) == "no error");
  // One format's name may be another input's stem plus another format's extension.
  try {
    output_paths_in_folder({file_argument("x.wav"), file_argument("x.labels.wav")}, "out", {"labels.txt", "txt"});
    FAIL("no collision found");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "x.wav and x.labels.wav would both be written to out/x.labels.txt (output names: docs/cli.md)");
  }
  CHECK(message_for({file_argument("z.wav"), found_in("c", "c/z.rttm/w.wav")}) ==
        "z.wav would be written to out/z.rttm, the folder of c/z.rttm/w.wav's output out/z.rttm/w.rttm");
}
