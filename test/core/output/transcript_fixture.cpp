// The shared hand-built result and the expected-file comparison of the output-format tests.
#include "transcript_fixture.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "transcript/transcript_reader.h"

namespace diarize::test {

TranscriptFixture transcript_fixture() {
  TranscriptFixture f;
  f.result.uri = "talk";
  f.result.file = "talks/talk & co.wav";
  f.result.duration_s = 16.0;
  f.result.diarization.labels = {"SPEAKER_00", "SPEAKER_01", "SPEAKER_02"};
  f.result.diarization.turns = {{0.5, 4.0, 0}, {3.5, 7.25, 1}, {8.0, 10.0, 0}, {12.0, 12.5, 2}};
  f.result.device = "cpu";
  f.result.embedding = "builtin";
  f.result.timings_s["segmentation"] = 1.25;
  f.result.diarization.exclusive_turns = {{0.5, 3.75, 0}, {3.75, 7.25, 1}, {8.0, 10.0, 0}, {12.0, 12.5, 2}};
  const Transcript transcript =
      read_transcript_file(test_source_path("core/transcript/samples/whisper.json"));
  f.transcript = assign_speakers(transcript, f.result.diarization.exclusive_turns);
  return f;
}

void check_expected_file(const std::string& name, const std::string& actual) {
  const std::string expected = read_text_file(test_source_path("core/output/expected/" + name));
  if (actual != expected) {
    std::filesystem::create_directories("/tmp/diarize-expected");
    std::ofstream("/tmp/diarize-expected/" + name, std::ios::binary) << actual;
  }
  INFO("differs from test/core/output/expected/" + name + "; actual output in /tmp/diarize-expected/" + name);
  CHECK(actual == expected);
}

}  // namespace diarize::test
