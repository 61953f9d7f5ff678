// Audio inputs through the real binary (with the test engine): files cut short warn, library
// chatter never reaches the terminal, audio past the length limit is refused (stdin included,
// without growing without bound), and paths longer than libsndfile's own open takes work.
#include <catch2/catch.hpp>

#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <random>
#include <vector>

#include "audio_fixtures.h"
#include "cli/cli_runner.h"
#include "test_support.h"

using namespace diarize;
using namespace diarize::test;

namespace {

// `seconds` of tone bursts at 16 kHz, so the test engine finds speech.
std::vector<float> bursts(double seconds) {
  std::vector<float> samples(static_cast<size_t>(seconds * 16000));
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] = (i / 8000) % 2 ? 0.0f : static_cast<float>(0.3 * std::sin(0.05 * static_cast<double>(i)));
  return samples;
}

// The first `bytes` bytes of `from`, written to `to`.
void cut(const std::string& from, const std::string& to, size_t bytes) {
  const std::string all = read_text_file(from);
  std::ofstream(to, std::ios::binary) << all.substr(0, std::min(bytes, all.size()));
}

size_t file_size(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<size_t>(st.st_size);
}

}  // namespace

TEST_CASE("A file cut short decodes with one warning; whole files, MP3 included, never warn", "[cli][audio-inputs]") {
  const std::string dir = make_temp_dir();
  struct Case {
    const char* name;
    int format;
  };
  for (const Case& c : {Case{"talk.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16}, Case{"talk.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
                        Case{"talk.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
                        Case{"talk.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16}}) {
    INFO(c.name);
    const std::string whole = dir + "/" + c.name;
    write_audio(whole, c.format, 16000, 1, bursts(30));
    const CommandResult sound = run_test_engine("", "'" + whole + "'");
    CHECK(sound.exit_code == 0);
    CHECK(sound.err.empty());
    const std::string half = dir + "/half-" + c.name;
    cut(whole, half, file_size(whole) / 2);
    const CommandResult r = run_test_engine("", "'" + half + "'");
    CHECK(r.exit_code == 0);
    CHECK(count_lines_containing(r.err, "") == 1);
    CHECK_THAT(r.err, Catch::StartsWith("diarize: " + half + ": warning: decoded "));
    CHECK_THAT(r.err, Catch::EndsWith(" of the 30.00 s its header declares: the file looks truncated\n"));
    CHECK_FALSE(r.out.empty());
    // --quiet: nothing but errors.
    CHECK(run_test_engine("", "-q '" + half + "'").err.empty());
  }
  // The reviewer's case: the first 1000 bytes of a 30 s WAV (the test engine then refuses its
  // 0.03 s, the real one finds no speakers).
  cut(dir + "/talk.wav", dir + "/k.wav", 1000);
  const CommandResult k = run_test_engine("", "'" + dir + "/k.wav'");
  CHECK(count_lines_containing(k.err, "diarize: " + dir + "/k.wav: warning: decoded 0.03 s of the 30.00 s its header "
                                      "declares: the file looks truncated") == 1);
  // Less than a second short is within the slack.
  cut(dir + "/talk.wav", dir + "/nearly.wav", file_size(dir + "/talk.wav") - 16000);
  CHECK(run_test_engine("", "'" + dir + "/nearly.wav'").err.empty());
  require_no_process_left();
}

TEST_CASE("A fake MP3 gets diarize's own one-line reason and no library chatter", "[cli][audio-inputs]") {
  const std::string dir = make_temp_dir();
  std::mt19937 rng(3);
  // Random bytes after an ID3 tag, and after an MPEG frame sync (which libmpg123 takes up, then
  // gives up on with several "Note:" lines and libsndfile's "not a regular file").
  for (const std::string& start : {std::string("ID3\x03"), std::string("\xff\xfb\x90\x00")}) {
    {
      std::ofstream out(dir + "/fake.mp3", std::ios::binary);
      out << start;
      for (int i = 0; i < 5000; ++i) out.put(static_cast<char>(i % 7 ? 0 : rng() & 0xff));
    }
    for (const char* quiet : {"", "-q "}) {
      const CommandResult r = run_test_engine("", std::string(quiet) + "'" + dir + "/fake.mp3'");
      INFO(r.err);
      CHECK(r.exit_code == 1);
      CHECK(count_lines_containing(r.err, "") == 1);
      CHECK_THAT(r.err, Catch::StartsWith("diarize: " + dir + "/fake.mp3: not a readable audio file ("));
      CHECK(r.err.find("regular file") == std::string::npos);
    }
  }
  // A truncated MP3 makes libmpg123 talk; the user sees only diarize's warning (the library's
  // words only with -v, prefixed).
  write_audio(dir + "/talk.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 16000, 1, bursts(30));
  cut(dir + "/talk.mp3", dir + "/cut.mp3", 20000);
  const CommandResult cut_mp3 = run_test_engine("", "'" + dir + "/cut.mp3'");
  CHECK(cut_mp3.err.find("Warning:") == std::string::npos);
  CHECK(count_lines_containing(cut_mp3.err, "diarize: ") == count_lines_containing(cut_mp3.err, ""));
  const CommandResult verbose = run_test_engine("", "-v '" + dir + "/cut.mp3'");
  CHECK(count_lines_containing(verbose.err, "diarize: " + dir + "/cut.mp3: decoder: ") >= 1);
  require_no_process_left();
}

TEST_CASE("Audio past the length limit is refused, from files and from stdin, without unbounded reading", "[cli][audio-inputs]") {
  const std::string dir = make_temp_dir();
  write_audio(dir + "/three.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, bursts(3));
  write_audio(dir + "/three.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, bursts(3));
  const std::string limit = "DIARIZE_MAX_AUDIO_S=2";
  const std::string refusal = ": longer than 2 s, the most diarize takes per input\n";
  for (const char* name : {"/three.wav", "/three.flac"}) {
    const CommandResult file = run_test_engine(limit, "'" + dir + name + "'");
    CHECK(file.exit_code == 1);
    CHECK(file.err == "diarize: " + dir + name + refusal);
    const CommandResult piped = run_command("cat '" + dir + name + "' | " + test_engine_command(limit, "-"));
    CHECK(piped.exit_code == 1);
    CHECK(piped.err == "diarize: -" + refusal);
  }
  CHECK(run_test_engine("DIARIZE_MAX_AUDIO_S=4", "'" + dir + "/three.wav'").exit_code == 0);
  // Endless input on stdin, in a bounded shell (1 GiB of memory, 60 s): bytes that are not audio
  // are refused within 16 MiB; a WAV header of unknown length followed by endless data at the byte
  // count that much audio can take.
  const std::string bounded = "ulimit -v 1048576; ";
  const CommandResult garbage = run_command("sh -c \"" + bounded + "yes | timeout 60 " + test_engine_command("", "-") + "\"");
  CHECK(garbage.exit_code == 1);
  CHECK_THAT(garbage.err, Catch::StartsWith("diarize: -: not a readable audio file"));
  std::string header = read_text_file(dir + "/three.wav").substr(0, 44);
  REQUIRE(header.compare(36, 4, "data") == 0);
  for (int i = 40; i < 44; ++i) header[static_cast<size_t>(i)] = '\xff';  // data length unknown, as a stream writer leaves it
  std::ofstream(dir + "/stream-header.wav", std::ios::binary) << header;
  const CommandResult endless = run_command("sh -c \"" + bounded + "(cat '" + dir + "/stream-header.wav'; yes) | timeout 60 " +
                                            test_engine_command(limit, "-") + "\"");
  CHECK(endless.exit_code == 1);
  CHECK(endless.err == "diarize: -" + refusal);
  require_no_process_left();
}

TEST_CASE("Input paths longer than 1024 bytes are read (libsndfile gets a descriptor)", "[cli][audio-inputs]") {
  const std::string dir = make_temp_dir();
  std::string folder = dir;
  for (int level = 0; level < 6; ++level) {
    folder += "/" + std::string(200, static_cast<char>('a' + level));
    REQUIRE(::mkdir(folder.c_str(), 0755) == 0);
  }
  const std::string path = folder + "/talk.wav";
  REQUIRE(path.size() > 1200);
  write_audio(dir + "/talk.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, bursts(3));
  REQUIRE(::rename((dir + "/talk.wav").c_str(), path.c_str()) == 0);  // libsndfile cannot write there either
  const CommandResult r = run_test_engine("", "-o '" + folder + "/out/' '" + path + "'");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(read_text_file(folder + "/out/talk.rttm"), Catch::StartsWith("SPEAKER talk 1 "));
  require_no_process_left();
}
