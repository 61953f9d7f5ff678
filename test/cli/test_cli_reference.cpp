// The command line's reference texts against the binary (issue #14 item 17): every option that
// `diarize --help` and the subcommands' help list is in the man page (docs/diarize.1) and in both
// completion files (cli/completions/), and those name no option the binary lacks; the completions
// work in a real bash and parse in zsh; `cmake --install` puts all three where the issue says.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "cli/cli_runner.h"
#include "test_support.h"

using namespace diarize::test;

namespace {

std::string help_of(const std::string& command) {
  const CommandResult r = run_command(diarize_binary() + " " + command + " --help");
  INFO(command);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The option names of a help text: the first field of each option line ("  -o,--output TEXT ...").
std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> names;
  std::istringstream lines(help);
  std::string line;
  const std::regex option_line(R"(^  (-[^ =]+))");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, option_line)) continue;
    std::istringstream field(m[1].str());
    std::string name;
    while (std::getline(field, name, ','))
      if (!name.empty()) names.insert(name);
  }
  return names;
}

// The text with roff's font changes dropped and "\-" read as "-" (plain text is unchanged).
std::string plain(const std::string& text) {
  return std::regex_replace(std::regex_replace(text, std::regex(R"(\\f[BIRP])"), ""), std::regex(R"(\\-)"), "-");
}

// Every "--long-option" written in a text.
std::set<std::string> long_options_in(std::string text) {
  text = plain(text);
  std::set<std::string> names;
  const std::regex long_option(R"((^|[^A-Za-z0-9-])(--[a-z][a-z0-9-]*))");
  for (std::sregex_iterator it(text.begin(), text.end(), long_option), end; it != end; ++it) names.insert((*it)[2]);
  return names;
}

// `name` as a whole word of `text` (roff escapes undone).
bool mentions(std::string text, const std::string& name) {
  text = plain(text);
  const std::regex word("(^|[^A-Za-z0-9-])" + std::regex_replace(name, std::regex("-"), "\\-") + "($|[^A-Za-z0-9-])");
  return std::regex_search(text, word);
}

std::string repo_file(const std::string& relative) { return read_text_file(test_source_path("../" + relative)); }

const char* const kBashCompletionLibrary = "/usr/share/bash-completion/bash_completion";

// What the bash completion offers for the words of `line` (the last one being completed).
std::string bash_completes(const std::string& line) {
  const std::string script =
      std::string("source ") + kBashCompletionLibrary + "; source '" + test_source_path("../cli/completions/diarize.bash") +
      "'; COMP_WORDS=(" + line + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE=\"" + line +
      "\"; COMP_POINT=${#COMP_LINE}; _diarize diarize \"${COMP_WORDS[-1]}\" \"${COMP_WORDS[-2]}\"; echo \"${COMPREPLY[*]}\"";
  const CommandResult r = run_command("bash -c '" + std::regex_replace(script, std::regex("'"), "'\\''") + "'");
  INFO(line << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find('\n'));
}

}  // namespace

TEST_CASE("help: option groups, every default, exit codes, examples; -V is --version", "[cli][reference]") {
  const std::string help = help_of("");
  for (const char* heading : {"Input and output:", "Speakers:", "Pipeline and models:", "Devices and isolation:",
                              "Exit codes:", "Examples:"})
    CHECK_THAT(help, Catch::Contains(std::string("\n") + heading + "\n"));
  // Every option that takes a value shows its default ("TEXT=stdout", "INT:INT in [1 - 1024]=32").
  std::istringstream lines(help);
  std::string line;
  int valued = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("  -", 0) != 0) continue;
    const std::string head = line.substr(0, line.find("  ", 2));
    if (head.find(" TEXT") == std::string::npos && head.find(" INT") == std::string::npos &&
        head.find(" FLOAT") == std::string::npos)
      continue;
    ++valued;
    INFO(line);
    CHECK(head.find('=') != std::string::npos);
  }
  CHECK(valued >= 15);
  const CommandResult short_version = run_command(diarize_binary() + " -V");
  const CommandResult long_version = run_command(diarize_binary() + " --version");
  CHECK(short_version.exit_code == 0);
  CHECK(short_version.out == long_version.out);
  CHECK_THAT(short_version.out, Catch::StartsWith("diarize "));
}

TEST_CASE("every option of --help is in the man page and both completion files, and no other", "[cli][reference]") {
  const std::string man = repo_file("docs/diarize.1");
  const std::string bash = repo_file("cli/completions/diarize.bash");
  const std::string zsh = repo_file("cli/completions/_diarize");
  std::set<std::string> all_options;
  for (const std::string command : {"", "score", "models", "models info", "models convert"}) {
    const std::set<std::string> options = options_in_help(help_of(command));
    CHECK(!options.empty());
    for (const std::string& option : options) {
      INFO("diarize " << command << " " << option);
      CHECK(mentions(man, option));
      CHECK(mentions(bash, option));
      CHECK(mentions(zsh, option));
      all_options.insert(option);
    }
  }
  CHECK(all_options.size() >= 35);
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"docs/diarize.1", man},
                                   {"cli/completions/diarize.bash", bash},
                                   {"cli/completions/_diarize", zsh}})
    for (const std::string& option : long_options_in(text)) {
      INFO(name << " names " << option << ", which no --help lists");
      CHECK(all_options.count(option) == 1);
    }
}

TEST_CASE("the completions work: bash offers options, values and subcommands; zsh parses it", "[cli][reference]") {
  // CI installs bash-completion and zsh (.ci/run); without them this test cannot check anything.
  REQUIRE(path_exists(kBashCompletionLibrary));
  CHECK(bash_completes("diarize --dev") == "--device");
  CHECK(bash_completes("diarize --device c") == "cpu cuda");
  CHECK(bash_completes("diarize -f json,s") == "json,srt json,svg");
  CHECK(bash_completes("diarize --pipeline c") == "community-1");
  CHECK(bash_completes("diarize score --co") == "--collar");
  CHECK(bash_completes("diarize models i") == "info");
  CHECK(bash_completes("diarize models info --j") == "--json");
  CHECK(bash_completes("diarize sc") == "score");
  const CommandResult zsh = run_command("zsh -n '" + test_source_path("../cli/completions/_diarize") + "'");
  INFO(zsh.err);
  CHECK(zsh.exit_code == 0);
}

TEST_CASE("cmake --install puts the man page and completions where packagers look", "[cli][reference]") {
  const std::string prefix = make_temp_dir();
  const CommandResult r = run_command("cmake --install '" + binary_dir() + "/..' --prefix '" + prefix + "'");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text_file(prefix + "/share/man/man1/diarize.1") == repo_file("docs/diarize.1"));
  CHECK(read_text_file(prefix + "/share/bash-completion/completions/diarize") == repo_file("cli/completions/diarize.bash"));
  CHECK(read_text_file(prefix + "/share/zsh/vendor-completions/_diarize") == repo_file("cli/completions/_diarize"));
  CHECK(path_exists(prefix + "/bin/diarize"));
  // The installed binary finds the built-in embedding's parameters under its prefix (issue #11),
  // not in the build tree, and diarizes with them.
  CHECK(read_text_file(prefix + "/share/diarize/builtin/builtin_plda.safetensors") ==
        repo_file("models/builtin/builtin_plda.safetensors"));
  const CommandResult run = run_command("'" + prefix + "/bin/diarize' -v --models '" + shared_path("models") + "' '" +
                                        shared_path("data/pyannote_sample/sample.wav") + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("built-in embedding parameters: " + prefix +
                                      "/share/diarize/builtin/builtin_plda.safetensors"));
  CHECK_THAT(run.out, Catch::StartsWith("SPEAKER sample 1 "));
}
