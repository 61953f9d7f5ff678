// Helpers for tests: shared-data location, temporary folders and running commands.
#include "test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace diarize::test {

namespace {
bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const auto& d : dirs) std::system(("rm -rf '" + d + "'").c_str());
  }
};
TempDirs g_temp_dirs;
}  // namespace

std::string shared_path(const std::string& relative) {
  const char* env = std::getenv("DIARIZE_SHARED");
  const std::string root = env && *env ? env : DIARIZE_DEFAULT_SHARED;
  if (!exists(root))
    throw std::runtime_error("shared data folder '" + root + "' is missing: set DIARIZE_SHARED");
  const std::string path = root + "/" + relative;
  if (!exists(path)) throw std::runtime_error("shared data file '" + path + "' is missing");
  return path;
}

std::string make_temp_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/diarize-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed");
  g_temp_dirs.dirs.emplace_back(buffer.data());
  return buffer.data();
}

std::string test_source_path(const std::string& relative) {
  const std::string path = std::string(DIARIZE_TEST_SOURCE_DIR) + "/" + relative;
  if (!exists(path)) throw std::runtime_error("test file '" + path + "' is missing");
  return path;
}

std::string binary_dir() {
  // Lets a new test be run against an older build, to see it fail before the fix it guards.
  if (const char* dir = std::getenv("DIARIZE_TEST_BINARY_DIR"); dir && *dir) return dir;
  return std::string(DIARIZE_BINARY_DIR) + "/bin";
}

std::string builtin_parameters_path() {
  return std::string(DIARIZE_BINARY_DIR) + "/share/diarize/builtin/builtin_plda.safetensors";
}
std::string diarize_binary() { return "'" + binary_dir() + "/diarize'"; }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::string& command_line) {
  const std::string dir = make_temp_dir();
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const int status = std::system((command_line + " >'" + out + "' 2>'" + err + "'").c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text_file(out);
  result.err = read_text_file(err);
  return result;
}

}  // namespace diarize::test
