// The real `diarize` binary with the test engine module: crashes, hangs, protocol breaches and
// accelerator errors in the child cost a retry on CPU, never a result; batches go on past a
// failing input; signals leave no child, no temporary file and no partial output behind.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>
#include <sndfile.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "audio_fixtures.h"
#include "cli/cli_runner.h"
#include "output/json_output.h"
#include "output/rttm.h"
#include "test_support.h"

extern char** environ;

using namespace diarize;
using namespace diarize::test;

namespace {

// Whether a marked process is in the injected hang: that fault ignores SIGTERM, which shows in
// /proc/PID/status as bit 15 of SigIgn.
bool child_is_hanging() {
  for (int pid : marked_processes()) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("SigIgn:", 0) == 0 && (std::stoull(line.substr(7), nullptr, 16) & (1ull << (SIGTERM - 1)))) return true;
  }
  return false;
}

bool wait_for_hanging_child(double limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  while (!child_is_hanging()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

struct Fixture {
  std::string dir = make_temp_dir();
  std::string wav(int seed, double seconds = 3.0) {
    const std::string path = dir + "/in" + std::to_string(seed) + ".wav";
    if (!path_exists(path)) write_tone_bursts(path, seed, seconds);
    return path;
  }
  // The RTTM of a clean isolated run: the reference every faulty run must reproduce.
  std::string clean_rttm(const std::string& input) {
    const CommandResult r = run_test_engine("", "'" + input + "'");
    REQUIRE(r.exit_code == 0);
    REQUIRE(!r.out.empty());
    return r.out;
  }
  ~Fixture() {
    require_no_process_left();
    require_no_temp_files(dir);
  }
};

}  // namespace

TEST_CASE("The test engine answers from the audio, in the child and in-process alike", "[isolation][cli]") {
  Fixture fx;
  const std::string rttm = fx.clean_rttm(fx.wav(1));
  CHECK(rttm.rfind("SPEAKER in1 1 0.000 ", 0) == 0);
  CHECK(count_lines_containing(rttm, "SPEAKER_00") >= 3);
  CHECK(fx.clean_rttm(fx.wav(2)) != rttm);
  const CommandResult in_process = run_test_engine("", "--no-isolation '" + fx.wav(1) + "'");
  CHECK(in_process.exit_code == 0);
  CHECK(in_process.out == rttm);
  const CommandResult json = run_test_engine("", "-f json '" + fx.wav(1) + "'");
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"device\":\"cpu\",\"fallback\":null") != std::string::npos);
  CHECK(json.err.find('\r') == std::string::npos);  // no progress line when stderr is not a terminal
}

TEST_CASE("Fewer speakers than asked for: one warning line per input, whatever the engine", "[isolation][cli][count]") {
  // The test engine always answers with one speaker.
  Fixture fx;
  const std::string a = fx.wav(1), b = fx.wav(2);
  const CommandResult num = run_test_engine("", "--num-speakers 3 -o '" + fx.dir + "/out/' '" + a + "' '" + b + "'");
  INFO(num.err);
  CHECK(num.exit_code == 0);
  CHECK(count_lines_containing(num.err, "diarize: " + a + ": found only 1 speakers (asked for 3)") == 1);
  CHECK(count_lines_containing(num.err, "diarize: " + b + ": found only 1 speakers (asked for 3)") == 1);
  CHECK(count_lines_containing(num.err, "found only") == 2);
  const CommandResult min = run_test_engine("", "--min-speakers 2 '" + a + "'");
  CHECK(count_lines_containing(min.err, "diarize: " + a + ": found only 1 speakers (asked for at least 2)") == 1);
  // Met, only bounded from above, or --quiet: no warning.
  CHECK(count_lines_containing(run_test_engine("", "--num-speakers 1 '" + a + "'").err, "found only") == 0);
  CHECK(count_lines_containing(run_test_engine("", "--max-speakers 3 '" + a + "'").err, "found only") == 0);
  const CommandResult quiet = run_test_engine("", "--quiet --num-speakers 3 '" + a + "'");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("A crash, abort, early exit or garbage on attempt 1 is retried on CPU with the same result", "[isolation][cli]") {
  Fixture fx;
  const std::string input = fx.wav(3);
  const std::string clean = fx.clean_rttm(input);
  struct Case {
    const char* fault;
    const char* reason;
  };
  for (const Case& c : {Case{"segv@1", "child killed by SIGSEGV"}, Case{"abort@1", "child killed by SIGABRT"},
                        Case{"exit@1", "child exited without a result"}, Case{"garbage@1", "protocol breach: bad frame magic"}}) {
    INFO(c.fault);
    const CommandResult r = run_test_engine(std::string("DIARIZE_FAULT=") + c.fault, "'" + input + "'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == clean);
    CHECK(r.err == "diarize: " + input + ": cpu attempt failed (" + c.reason + "); retrying on CPU\n");
  }
}

TEST_CASE("A hang on an accelerator is cut at --timeout, escalated to SIGKILL, and retried on CPU", "[isolation][cli]") {
  Fixture fx;
  const std::string input = fx.wav(4);
  const std::string clean = fx.clean_rttm(input);
  const std::string cuda = "DIARIZE_TEST_ENGINE_DEVICES=cuda,cpu DIARIZE_FAULT=hang@1";
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = run_test_engine(cuda, "--timeout 0.5 -f json '" + input + "'");
  const double took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 0);
  CHECK(r.err == "diarize: " + input + ": cuda attempt failed (timed out after 0.5 s); retrying on CPU\n");
  CHECK(r.out.find("\"fallback\":\"cuda attempt failed: timed out after 0.5 s\"") != std::string::npos);
  // 0.5 s timeout + 2 s grace (the hang ignores SIGTERM) + two short runs; bounded well below
  // what a missing SIGKILL would take (forever).
  CHECK(took_s >= 2.5);
  CHECK(took_s < 10.0);
  const CommandResult rttm = run_test_engine(cuda, "--timeout 0.5 '" + input + "'");
  CHECK(rttm.out == clean);
}

TEST_CASE("A CPU attempt that times out fails its input without a second CPU attempt", "[isolation][cli][timeout]") {
  Fixture fx;
  const std::string input = fx.wav(4);
  const CommandResult r = run_test_engine("DIARIZE_FAULT=hang@1:1", "--timeout 0.5 '" + input + "' '" + fx.wav(5) + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "diarize: " + input + ": cpu attempt timed out after 0.5 s\ndiarize: 1 of 2 inputs done, 1 failed\n");
  CHECK(r.out == fx.clean_rttm(fx.wav(5)));
}

TEST_CASE("--timeout runs from the child's READY: a slow start does not count", "[isolation][cli][timeout]") {
  Fixture fx;
  const std::string input = fx.wav(6);
  // The engine takes 1.5 s to start, the work a few milliseconds: a 1 s limit is plenty.
  const CommandResult r = run_test_engine("DIARIZE_TEST_ENGINE_START_DELAY_MS=1500", "--timeout 1 '" + input + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == fx.clean_rttm(input));
}

TEST_CASE("An input whose both attempts fail fails alone, with one clear line", "[isolation][cli]") {
  Fixture fx;
  const std::string a = fx.wav(5), b = fx.wav(6), c = fx.wav(7);
  const std::string out = fx.dir + "/out/";
  const CommandResult r = run_test_engine("DIARIZE_FAULT=segv@1,segv@2:2", "-o " + out + " " + a + " " + b + " " + c);
  CHECK(r.exit_code == 1);
  CHECK(path_exists(out + "in5.rttm"));
  CHECK(!path_exists(out + "in6.rttm"));
  CHECK(path_exists(out + "in7.rttm"));
  CHECK(read_text_file(out + "in5.rttm") == fx.clean_rttm(a));
  CHECK(read_text_file(out + "in7.rttm") == fx.clean_rttm(c));
  CHECK(count_lines_containing(r.err, "retrying on CPU") == 3);  // attempt 1 crashes for every input
  CHECK(count_lines_containing(r.err, "diarize: " + b + ": cpu attempt failed (child killed by SIGSEGV), CPU retry "
                                      "failed (child killed by SIGSEGV)") == 1);
  CHECK(count_lines_containing(r.err, "diarize: 2 of 3 inputs done, 1 failed") == 1);
}

TEST_CASE("An invalid DIARIZE_FAULT is a usage error", "[isolation][cli]") {
  Fixture fx;
  for (const char* bad : {"segv", "segv@0", "boom@1", "segv@1:x"}) {
    INFO(bad);
    const CommandResult r = run_test_engine(std::string("DIARIZE_FAULT='") + bad + "'", fx.wav(1));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(count_lines_containing(r.err, "DIARIZE_FAULT") == 1);
  }
}

TEST_CASE("A batch of 20 with one corrupt file gives 19 outputs, one error line, exit 1", "[isolation][cli]") {
  Fixture fx;
  const std::string in = fx.dir + "/batch";
  ::mkdir(in.c_str(), 0755);
  for (int i = 0; i < 20; ++i) {
    char name[64];
    std::snprintf(name, sizeof(name), "/f%02d.wav", i);
    if (i == 13) {
      std::ofstream(in + name) << "RIFF, but not really a wave file";
    } else {
      write_tone_bursts(in + name, i, 1.5);
    }
  }
  const std::string out = fx.dir + "/batch-out/";
  const CommandResult r = run_test_engine("", "-o " + out + " " + in);
  CHECK(r.exit_code == 1);
  std::vector<std::string> outputs;
  list_files(out, outputs);
  CHECK(outputs.size() == 19);
  CHECK(!path_exists(out + "f13.rttm"));
  CHECK(count_lines_containing(r.err, in + "/f13.wav: ") == 1);
  CHECK(count_lines_containing(r.err, "diarize: 19 of 20 inputs done, 1 failed") == 1);
  CHECK(count_lines_containing(r.err, "diarize: ") == 2);
  // --skip-existing: a second run only retries what is missing.
  const CommandResult again = run_test_engine("", "--skip-existing -o " + out + " " + in);
  CHECK(again.exit_code == 1);
  CHECK(count_lines_containing(again.err, "diarize: 0 of 20 inputs done, 1 failed, 19 skipped") == 1);
}

TEST_CASE("Accelerator errors fall back to CPU, and the batch stays on CPU after N of them", "[isolation][cli]") {
  Fixture fx;
  const std::string env = "DIARIZE_TEST_ENGINE_DEVICES=cuda,cpu DIARIZE_TEST_ENGINE_FAIL_ON=cuda";
  const std::string files = fx.wav(1) + " " + fx.wav(2) + " " + fx.wav(3) + " " + fx.wav(4);
  for (const char* mode : {"", "--no-isolation "}) {
    INFO(mode);
    const CommandResult r = run_test_engine(env, std::string(mode) + "--device auto --max-accelerator-failures 2 -f json " + files);
    CHECK(r.exit_code == 0);
    CHECK(count_lines_containing(r.err, "cuda attempt failed (accelerator: CUDA error: out of memory") == 2);
    CHECK(count_lines_containing(r.err, "2 cuda failures in this batch; using the CPU for the remaining inputs") == 1);
    CHECK(count_lines_containing(r.out, "\"device\":\"cpu\"") == 4);
    CHECK(count_lines_containing(r.out, "\"fallback\":\"cuda attempt failed: accelerator: CUDA error") == 2);
    CHECK(count_lines_containing(r.out, "\"fallback\":\"cuda disabled after 2 failures in this batch\"") == 2);
  }
  // Without failures the accelerator keeps the work.
  const CommandResult fine = run_test_engine("DIARIZE_TEST_ENGINE_DEVICES=cuda,cpu", "-f json " + fx.wav(1));
  CHECK(fine.out.find("\"device\":\"cuda\",\"fallback\":null") != std::string::npos);
  CHECK(fine.err.empty());
}

TEST_CASE("An explicit --device the machine lacks stops the run before the first input, exit 3", "[isolation][cli][device]") {
  Fixture fx;
  const std::string corrupt = fx.dir + "/corrupt.wav";
  std::ofstream(corrupt) << "RIFF, but not really a wave file";
  for (const char* mode : {"", "--no-isolation "}) {
    INFO(mode);
    // Not even the first (corrupt) input is looked at: no line about it, no retry.
    const CommandResult r = run_test_engine("", std::string(mode) + "--device cuda '" + corrupt + "' '" + fx.wav(1) + "'");
    CHECK(r.exit_code == 3);
    CHECK(r.err == "diarize: --device cuda: not available on this machine (available: cpu)\n");
    CHECK(r.out.empty());
    const CommandResult mps = run_test_engine("DIARIZE_TEST_ENGINE_DEVICES=cuda,cpu", std::string(mode) + "--device mps '" + fx.wav(1) + "'");
    CHECK(mps.exit_code == 3);
    CHECK(mps.err == "diarize: --device mps: not available on this machine (available: cuda,cpu)\n");
  }
  // auto is unchanged: the first available device.
  const CommandResult automatic = run_test_engine("", "--device auto -f json '" + fx.wav(1) + "'");
  CHECK(automatic.exit_code == 0);
  CHECK(automatic.out.find("\"device\":\"cpu\",\"fallback\":null") != std::string::npos);
}

TEST_CASE("Input errors are not retried; model errors stop the run with exit 3", "[isolation][cli]") {
  Fixture fx;
  const std::string tiny = fx.dir + "/tiny.wav";
  write_tone_bursts(tiny, 0, 0.05);  // shorter than the test engine's 0.1 s window
  const CommandResult r = run_test_engine("", tiny + " " + fx.wav(1));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("retrying") == std::string::npos);
  CHECK(count_lines_containing(r.err, "diarize: " + tiny + ": audio is shorter than 0.1 s") == 1);
  CHECK(r.out == fx.clean_rttm(fx.wav(1)));

  const CommandResult model = run_test_engine("", "--segmentation /nonexistent/seg.safetensors " + fx.wav(1));
  CHECK(model.exit_code == 3);
  CHECK(model.err == "diarize: --segmentation: /nonexistent/seg.safetensors: cannot open: No such file or directory\n");
  const CommandResult module = run_command("env DIARIZE_TEST_MARKER=" + process_marker() +
                                           " DIARIZE_ENGINE_MODULE=/nonexistent/engine.so '" + binary_dir() +
                                           "/diarize' --segmentation '" +
                                           shared_path("models/segmentation-3.0.int8.onnx") + "' " + fx.wav(1));
  CHECK(module.exit_code == 3);
  CHECK(module.err.find("cannot load the diarization engine /nonexistent/engine.so") != std::string::npos);
}

TEST_CASE("--verbose reports per-stage timings", "[isolation][cli]") {
  Fixture fx;
  const CommandResult r = run_test_engine("", "-v " + fx.wav(1));
  CHECK(r.exit_code == 0);
  CHECK(count_lines_containing(r.err, "diarize: " + fx.wav(1) + ": cpu, decode ") == 1);
  CHECK(count_lines_containing(r.err, ", energy ") == 1);
}

TEST_CASE("Concurrent runs into one folder do not collide", "[isolation][cli]") {
  Fixture fx;
  const std::string out = fx.dir + "/shared-out/";
  const std::string one = test_engine_command("", "-o " + out + " " + fx.wav(1) + " " + fx.wav(2));
  const CommandResult r = run_command("( (" + one + " & " + one + " & " + one + " & wait) && " + one + " )");
  CHECK(r.exit_code == 0);
  CHECK(read_text_file(out + "in1.rttm") == fx.clean_rttm(fx.wav(1)));
  CHECK(read_text_file(out + "in2.rttm") == fx.clean_rttm(fx.wav(2)));
}

namespace {

// Starts diarize in the background (stderr to a file), returns its pid.
pid_t spawn_diarize(const std::string& env, const std::string& arguments, const std::string& err_path) {
  const std::string command = "exec " + test_engine_command(env, arguments) + " 2>'" + err_path + "' >/dev/null";
  pid_t pid = -1;
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  REQUIRE(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  return pid;
}

// The exit code, or 128+signal; kills and fails after `limit_s`.
int wait_exit(pid_t pid, double limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL("diarize did not exit within " << limit_s << " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool wait_for_file(const std::string& path, double limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  while (!path_exists(path)) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

TEST_CASE("SIGINT/SIGTERM stop the child and leave only complete outputs", "[isolation][cli][signal]") {
  Fixture fx;
  const std::string a = fx.wav(1), b = fx.wav(2);
  struct Case {
    int signal;
    int exit_code;
  };
  for (const Case& c : {Case{SIGINT, 130}, Case{SIGTERM, 143}}) {
    INFO(c.signal);
    const std::string out = fx.dir + "/sig" + std::to_string(c.signal) + "/";
    // Input 2 hangs forever (no --timeout): only the signal can end this run.
    const pid_t pid = spawn_diarize("DIARIZE_FAULT=hang@1:2", "-o " + out + " " + a + " " + b, fx.dir + "/err");
    REQUIRE(wait_for_file(out + "in1.rttm", 10.0));
    REQUIRE(wait_for_hanging_child(10.0));
    ::kill(pid, c.signal);
    CHECK(wait_exit(pid, 10.0) == c.exit_code);
    require_no_process_left();
    std::vector<std::string> outputs;
    list_files(out, outputs);
    CHECK(outputs == std::vector<std::string>{out + "in1.rttm"});
    CHECK(read_text_file(out + "in1.rttm") == fx.clean_rttm(a));
  }
  // The same while the engine is busy (not hung) in the middle of a slow input.
  const std::string out = fx.dir + "/slow/";
  const pid_t pid = spawn_diarize("DIARIZE_TEST_ENGINE_DELAY_MS=200", "-o " + out + " " + a, fx.dir + "/err");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid, 10.0) == 130);
  require_no_process_left();
  CHECK(!path_exists(out + "in1.rttm"));
}

TEST_CASE("A SIGKILLed parent takes its child with it", "[isolation][cli][signal]") {
  Fixture fx;
  const pid_t pid = spawn_diarize("DIARIZE_FAULT=hang@1", fx.wav(1), fx.dir + "/err");
  // A child that is merely waiting for work would exit on EOF anyway; one in the hang would not.
  REQUIRE(wait_for_hanging_child(10.0));
  REQUIRE(marked_processes().size() == 2);
  ::kill(pid, SIGKILL);
  CHECK(wait_exit(pid, 10.0) == 128 + SIGKILL);
  require_no_process_left();  // PR_SET_PDEATHSIG
}

// ---------------------------------------------------------------------------------------------
// The same fallback with the REAL engine module (libdiarize_engine.so next to the binary) and the
// real int8 segmentation model, on 12 s of real speech (3 chunks, so each run takes a second or two).

namespace {

std::string real_diarize(const std::string& env, const std::string& arguments) {
  return "env DIARIZE_TEST_MARKER=" + process_marker() + " " + env + " '" + binary_dir() + "/diarize' --segmentation '" +
         shared_path("models/segmentation-3.0.int8.onnx") + "' --embedding builtin " + arguments;
}

// The first `seconds` of the pyannote sample as a 16 kHz WAV.
std::string speech_excerpt(const std::string& dir, const std::string& name, double seconds) {
  SF_INFO in_info{};
  SNDFILE* in = sf_open(shared_path("data/pyannote_sample/sample.wav").c_str(), SFM_READ, &in_info);
  REQUIRE(in);
  std::vector<float> samples(static_cast<size_t>(seconds * in_info.samplerate));
  const sf_count_t got = sf_readf_float(in, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_close(in);
  REQUIRE(got == static_cast<sf_count_t>(samples.size()));
  const std::string path = dir + "/" + name;
  test::write_wav(path, in_info.samplerate, 1, samples);
  return path;
}

}  // namespace

TEST_CASE("Real engine: a crash or a hang on attempt 1 still gives the clean result", "[isolation][cli][real-engine]") {
  const std::string dir = make_temp_dir();
  const std::string speech = speech_excerpt(dir, "speech.wav", 12.0);
  const CommandResult clean = run_command(real_diarize("", "'" + speech + "'"));
  INFO(clean.err);
  REQUIRE(clean.exit_code == 0);
  REQUIRE_FALSE(clean.out.empty());

  SECTION("segv on attempt 1") {
    const CommandResult r = run_command(real_diarize("DIARIZE_FAULT=segv@1", "'" + speech + "'"));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == clean.out);
    CHECK(count_lines_containing(r.err, "retrying on CPU") == 1);
  }
  SECTION("hang on attempt 1 is cut at --timeout; on CPU that fails the input") {
    // Start-up (LibTorch, the model) is not counted: 10 s is ample for 12 s of audio.
    const CommandResult r = run_command(real_diarize("DIARIZE_FAULT=hang@1", "--timeout 10 '" + speech + "'"));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "diarize: " + speech + ": cpu attempt timed out after 10 s\n");
  }
  SECTION("both attempts fail for input 2 of 3: one line, exit 1, the others succeed") {
    const std::string other = speech_excerpt(dir, "other.wav", 11.0);
    // The same audio under another name: two inputs may not share an output file.
    const std::string again = speech_excerpt(dir, "speech-again.wav", 12.0);
    const CommandResult r =
        run_command(real_diarize("DIARIZE_FAULT=segv@1:2,segv@2:2", "-o '" + dir + "/out/' '" + speech + "' '" +
                                                                         other + "' '" + again + "'"));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(count_lines_containing(r.err, "diarize: " + other + ": ") >= 1);
    CHECK(read_text_file(dir + "/out/speech.rttm") == clean.out);
    CHECK(path_exists(dir + "/out/speech-again.rttm"));
    CHECK_FALSE(path_exists(dir + "/out/other.rttm"));
  }
  require_no_process_left();
  require_no_temp_files(dir);
}

TEST_CASE("Real engine: one run returns both diarizations; --exclusive prints the exclusive one",
          "[isolation][cli][real-engine][exclusive]") {
  // A file with overlapped speech, so the two diarizations differ.
  const std::string input = "'" + shared_path("data/synthetic_librispeech/synth_3spk_overlap.wav") + "'";
  const CommandResult json = run_command(real_diarize("", "-f json " + input));
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  const FileResult result = parse_json(json.out);
  REQUIRE_FALSE(result.diarization.exclusive_turns.empty());
  const CommandResult regular = run_command(real_diarize("", input));
  const CommandResult exclusive = run_command(real_diarize("", "--exclusive " + input));
  REQUIRE(regular.exit_code == 0);
  REQUIRE(exclusive.exit_code == 0);
  // The JSON rounds times to the millisecond, the RTTM prints start and duration: compare turn by turn.
  const auto same_turns = [&result](const std::string& rttm, const std::vector<SpeakerTurn>& expected) {
    std::istringstream in(rttm);
    const std::vector<RttmTurn> printed = parse_rttm(in, "stdout");
    REQUIRE(printed.size() == expected.size());
    for (size_t i = 0; i < printed.size(); ++i) {
      CHECK(printed[i].start_s == Approx(expected[i].start_s).margin(0.0015));
      CHECK(printed[i].end_s() == Approx(expected[i].end_s).margin(0.0015));
      CHECK(printed[i].speaker == result.diarization.labels.at(static_cast<size_t>(expected[i].speaker)));
    }
  };
  same_turns(regular.out, result.diarization.turns);
  same_turns(exclusive.out, result.diarization.exclusive_turns);
  CHECK(exclusive.out != regular.out);
  // Exclusive turns never overlap, and each lies inside the regular speech of the same speaker.
  std::vector<SpeakerTurn> turns = result.diarization.exclusive_turns;
  sort_turns(turns);
  for (size_t i = 1; i < turns.size(); ++i) CHECK(turns[i].start_s >= turns[i - 1].end_s - 1e-9);
  for (const SpeakerTurn& t : turns) {
    double covered = 0.0;
    for (const SpeakerTurn& r : result.diarization.turns)
      if (r.speaker == t.speaker) covered += std::max(0.0, std::min(r.end_s, t.end_s) - std::max(r.start_s, t.start_s));
    CHECK(covered == Approx(t.end_s - t.start_s).margin(0.02));
  }
}
