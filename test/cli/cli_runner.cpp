// Helpers for running the real binary with the test engine (see cli_runner.h).
#include "cli/cli_runner.h"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "audio_fixtures.h"
#include "output/atomic_file.h"

namespace diarize::test {

std::string process_marker() {
  static const std::string value = "diarize-isolation-test-" + std::to_string(::getpid());
  return value;
}

std::string test_engine_command(const std::string& env, const std::string& arguments) {
  const std::string model = arguments.find("--segmentation") == std::string::npos
                                ? "--segmentation '" + shared_path("models/segmentation-3.0.int8.onnx") + "' "
                                : "";
  return "env DIARIZE_TEST_MARKER=" + process_marker() + " DIARIZE_ENGINE_MODULE='" DIARIZE_TEST_ENGINE "' " + env +
         " '" + binary_dir() + "/diarize' " + model + arguments;
}

CommandResult run_test_engine(const std::string& env, const std::string& arguments) {
  return run_command(test_engine_command(env, arguments));
}

std::vector<int> marked_processes() {
  std::vector<int> found;
  DIR* proc = ::opendir("/proc");
  REQUIRE(proc);
  const std::string needle = "DIARIZE_TEST_MARKER=" + process_marker();
  while (dirent* entry = ::readdir(proc)) {
    const int pid = std::atoi(entry->d_name);
    if (pid <= 0 || pid == ::getpid()) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string env = text.str();
    size_t at = 0;
    while ((at = env.find(needle, at)) != std::string::npos) {
      if ((at == 0 || env[at - 1] == '\0') && (at + needle.size() == env.size() || env[at + needle.size()] == '\0')) {
        found.push_back(pid);
        break;
      }
      at += needle.size();
    }
  }
  ::closedir(proc);
  return found;
}

void require_no_process_left() {
  for (int i = 0; i < 100 && !marked_processes().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(marked_processes().empty());
}

void require_no_temp_files(const std::string& dir) {
  std::vector<std::string> files;
  list_files(dir, files);
  for (const std::string& f : files) {
    INFO(f);
    CHECK(f.find(kTempFileMarker) == std::string::npos);
  }
}

void write_tone_bursts(const std::string& path, int seed, double seconds) {
  const size_t n = static_cast<size_t>(seconds * 16000);
  std::vector<float> samples(n, 0.0f);
  const double period_s = 0.6 + 0.1 * (seed % 5);
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 16000.0;
    if (std::fmod(t + 0.05 * seed, period_s) < period_s / 2) samples[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 220 * t));
  }
  write_wav(path, 16000, 1, samples);
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

int count_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}

void list_files(std::string dir, std::vector<std::string>& out) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) list_files(path, out);
    else out.push_back(path);
  }
  ::closedir(d);
}

}  // namespace diarize::test
