// `diarize score`: DER / JER of hypothesis turns against reference turns (docs/scoring.md).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace diarize {

struct ScoreOptions {
  std::string reference_path;   // RTTM
  std::string hypothesis_path;  // RTTM or diarize JSON / JSON Lines; "-" reads stdin
  std::string uem_path;         // empty: score the extent of reference and hypothesis turns
  double collar_s = 0.0;
  bool skip_overlap = false;
  bool exclusive = false;       // score the exclusive_segments of JSON hypotheses
  bool per_file = false;
  bool json = false;
};

// Registers the `score` subcommand, whose options fill `options`. main() runs run_score() when
// the returned subcommand was parsed.
CLI::App* add_score_command(CLI::App& app, ScoreOptions& options);

// Scores and prints the table (or JSON) on stdout, warnings on stderr. Returns the exit code;
// throws InputError for unreadable or malformed files and UsageError for bad option values.
int run_score(const ScoreOptions& options);

}  // namespace diarize
