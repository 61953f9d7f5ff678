// Bad inputs through the real binary: one line `diarize: <path>: <reason>` per failing input, the
// documented exit code, no crash, no output file.
#include <catch2/catch.hpp>

#include <sndfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <vector>

#include "audio_fixtures.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::string diarize_cmd() { return "'" + test::binary_dir() + "/diarize'"; }

void write_wav(const std::string& path, int rate, int frames) {
  test::write_wav(path, rate, 1, std::vector<float>(static_cast<size_t>(frames), 0.0f));
}

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// One input that must fail at decoding: exit 1, exactly one stderr line naming the path, no stdout.
void expect_one_line_failure(const std::string& path, const std::string& reason_part) {
  const auto r = test::run_command(diarize_cmd() + " '" + path + "'");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::StartsWith("diarize: " + path + ": "));
  CHECK_THAT(r.err, Catch::Contains(reason_part));
}

}  // namespace

TEST_CASE("bad inputs give one clear line and exit 1", "[cli][bad-input]") {
  const std::string dir = test::make_temp_dir();

  SECTION("missing path") { expect_one_line_failure(dir + "/nope.wav", "No such file or directory"); }
  SECTION("zero-byte file") {
    std::ofstream(dir + "/empty.wav").close();
    expect_one_line_failure(dir + "/empty.wav", "empty file");
  }
  SECTION("random bytes named .wav") {
    std::mt19937 rng(7);
    std::ofstream out(dir + "/random.wav", std::ios::binary);
    for (int i = 0; i < 10000; ++i) out.put(static_cast<char>(rng() & 0xff));
    out.close();
    expect_one_line_failure(dir + "/random.wav", "not a readable audio file");
  }
  SECTION("truncated header") {
    write_wav(dir + "/full.wav", 16000, 16000);
    const std::string bytes = test::read_text_file(dir + "/full.wav");
    std::ofstream(dir + "/truncated.wav", std::ios::binary) << bytes.substr(0, 20);
    expect_one_line_failure(dir + "/truncated.wav", "not a readable audio file");
  }
  SECTION("absurd sample rate") {
    write_wav(dir + "/rate.wav", 16000, 1600);
    std::string bytes = test::read_text_file(dir + "/rate.wav");
    const uint32_t rate = 3, byte_rate = 6;  // RIFF fmt chunk: sample rate at 24, byte rate at 28
    std::memcpy(&bytes[24], &rate, 4);
    std::memcpy(&bytes[28], &byte_rate, 4);
    std::ofstream(dir + "/rate.wav", std::ios::binary) << bytes;
    expect_one_line_failure(dir + "/rate.wav", "unsupported sample rate 3 Hz");
  }
  SECTION("unreadable file") {
    // Root reads files whatever their mode, so use a socket, which no one can read as audio.
    const std::string path = dir + "/socket.wav";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    expect_one_line_failure(path, "not a regular file");
    ::close(fd);
    if (::geteuid() != 0) {
      write_wav(dir + "/locked.wav", 16000, 1600);
      ::chmod((dir + "/locked.wav").c_str(), 0);
      expect_one_line_failure(dir + "/locked.wav", "Permission denied");
    }
  }
  SECTION("folder without audio") {
    ::mkdir((dir + "/nothing").c_str(), 0755);
    std::ofstream(dir + "/nothing/readme.txt") << "no audio here";
    expect_one_line_failure(dir + "/nothing", "no audio files found");
  }
}

TEST_CASE("usage errors exit 2 with one line", "[cli][bad-input]") {
  const std::string dir = test::make_temp_dir();
  for (const std::string& args : {std::string("--bogus x.wav"), std::string(""), std::string("--format xml a.wav"),
                                 std::string("--num-speakers 0 a.wav"), std::string("-o " + dir + "/one.rttm a.wav b.wav")}) {
    const auto r = test::run_command(diarize_cmd() + " " + args);
    INFO(args << " -> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("diarize: "));
    CHECK(r.out.empty());
  }
}

TEST_CASE("--help and --version answer on stdout with exit 0", "[cli]") {
  const auto help = test::run_command(diarize_cmd() + " --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--num-speakers"));
  const auto version = test::run_command(diarize_cmd() + " --version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("diarize "));
}

TEST_CASE("no segmentation model anywhere: exit 3 with where it looked", "[cli][bad-input]") {
  const std::string dir = test::make_temp_dir();
  write_wav(dir + "/a.wav", 16000, 16000);
  const auto r = test::run_command("env -u DIARIZE_MODELS HOME='" + dir + "' XDG_DATA_HOME='" + dir + "/data' " +
                                   diarize_cmd() + " '" + dir + "/a.wav'");
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::StartsWith("diarize: no segmentation model found"));
  CHECK_THAT(r.err, Catch::Contains(dir + "/data/diarize/models"));
  CHECK_THAT(r.err, Catch::Contains("docs/models.md"));
  CHECK(r.out.empty());
}

TEST_CASE("the built-in embedding's parameters missing or damaged: exit 3 with where it looked", "[cli][bad-input]") {
  // A copy of the executable with no share/ beside its bin/ (as a broken install would be).
  const std::string dir = test::make_temp_dir();
  REQUIRE(::mkdir((dir + "/bin").c_str(), 0755) == 0);
  REQUIRE(test::run_command("cp '" + test::binary_dir() + "/diarize' '" + dir + "/bin/diarize'").exit_code == 0);
  write_wav(dir + "/a.wav", 16000, 16000);
  const std::string parameters = dir + "/share/diarize/builtin/builtin_plda.safetensors";
  const std::string command = "'" + dir + "/bin/diarize' --segmentation '" +
                              test::shared_path("models/segmentation-3.0.int8.onnx") + "' --embedding builtin '" + dir +
                              "/a.wav'";
  auto r = test::run_command(command);
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::StartsWith("diarize: the built-in embedding's parameters are missing"));
  CHECK_THAT(r.err, Catch::Contains("looked for " + parameters));
  CHECK(r.out.empty());
  // The same file with a value that is not finite (issue #14: checked at load).
  REQUIRE(test::run_command("mkdir -p '" + dir + "/share/diarize/builtin'").exit_code == 0);
  std::ifstream in(test::builtin_parameters_path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t header = 8 + static_cast<size_t>(static_cast<unsigned char>(bytes[0])) +
                        256 * static_cast<size_t>(static_cast<unsigned char>(bytes[1]));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&bytes[header], &nan, sizeof nan);  // the first value of the first tensor
  std::ofstream(parameters, std::ios::binary) << bytes;
  r = test::run_command(command);
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains(parameters) && Catch::Contains("not finite"));
}

TEST_CASE("silent, very short and empty-of-samples files succeed with no speakers", "[cli]") {
  const std::string dir = test::make_temp_dir();
  const std::string model = "--segmentation '" + test::shared_path("models/segmentation-3.0.int8.onnx") + "' ";
  write_wav(dir + "/silent.wav", 16000, 16000 * 12);
  write_wav(dir + "/short.wav", 8000, 80);
  write_wav(dir + "/nothing.wav", 16000, 0);
  for (const char* name : {"silent.wav", "short.wav"}) {
    const auto r = test::run_command(diarize_cmd() + " " + model + "-f json '" + dir + "/" + name + "'");
    INFO(name << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"segments\":[]"));
  }
  const auto r = test::run_command(diarize_cmd() + " " + model + "'" + dir + "/nothing.wav'");
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err == "diarize: " + dir + "/nothing.wav: no audio samples; no speakers\n");
}
