// `diarize score`: groups turns by uri, scores each file with core/scoring, prints a table or JSON.
#include "score_command.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "errors.h"
#include "scoring/der.h"
#include "scoring/turns_file.h"
#include "scoring/uem.h"

namespace diarize {

namespace {

struct TurnsByUri {
  std::vector<std::string> order;  // uris in order of first appearance
  std::map<std::string, std::vector<RttmTurn>> turns;
};

TurnsByUri group_by_uri(std::vector<RttmTurn> turns) {
  TurnsByUri grouped;
  for (RttmTurn& t : turns) {
    auto [it, added] = grouped.turns.try_emplace(t.uri);
    if (added) grouped.order.push_back(t.uri);
    it->second.push_back(std::move(t));
  }
  return grouped;
}

void warn(const std::string& message) { std::fprintf(stderr, "diarize: warning: %s\n", message.c_str()); }

std::string percent_cell(const std::optional<double>& value) {
  if (!value) return "n/a";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", *value);
  return text;
}

void print_table(const std::vector<FileScore>& files, const FileScore& total, bool per_file) {
  size_t uri_width = 5;
  if (per_file)
    for (const FileScore& f : files) uri_width = std::max(uri_width, f.uri.size());
  const int w = static_cast<int>(uri_width);
  std::printf("%-*s %8s %8s %8s %8s %8s %10s %10s\n", w, "uri", "DER%", "missed%", "FA%", "conf%", "JER%",
              "scored_s", "speech_s");
  auto row = [&](const FileScore& s) {
    std::printf("%-*s %8s %8s %8s %8s %8.2f %10.3f %10.3f\n", w, s.uri.c_str(), percent_cell(der_percent(s)).c_str(),
                percent_cell(missed_percent(s)).c_str(), percent_cell(false_alarm_percent(s)).c_str(),
                percent_cell(confusion_percent(s)).c_str(), jer_percent(s), s.scored_s, s.reference_s);
  };
  if (per_file)
    for (const FileScore& f : files) row(f);
  row(total);
}

// Percentages to 4 decimals (a ten-thousandth of a percent): more digits are float noise that
// makes outputs differ between machines and bury the number.
double rounded_percent(double value) { return std::round(value * 1e4) / 1e4; }

nlohmann::ordered_json percent_json(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(rounded_percent(*value)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json score_json(const FileScore& s, bool with_mapping) {
  nlohmann::ordered_json j;
  j["uri"] = s.uri;
  j["der_percent"] = percent_json(der_percent(s));
  j["missed_percent"] = percent_json(missed_percent(s));
  j["false_alarm_percent"] = percent_json(false_alarm_percent(s));
  j["confusion_percent"] = percent_json(confusion_percent(s));
  j["jer_percent"] = rounded_percent(jer_percent(s));
  j["scored_s"] = s.scored_s;
  j["reference_s"] = s.reference_s;
  j["missed_s"] = s.missed_s;
  j["false_alarm_s"] = s.false_alarm_s;
  j["confusion_s"] = s.confusion_s;
  j["reference_speakers"] = s.speaker_jer.size();
  j["hypothesis_speakers"] = s.hypothesis_speakers;
  if (with_mapping) {
    nlohmann::ordered_json mapping = nlohmann::ordered_json::object();
    for (const auto& [ref, hyp] : s.mapping) mapping[ref] = hyp;
    j["mapping"] = mapping;
  }
  return j;
}

void print_json(const std::vector<FileScore>& files, const FileScore& total, const ScoreOptions& options) {
  nlohmann::ordered_json j;
  j["schema"] = "diarize.score/1";
  j["collar_s"] = options.collar_s;
  j["skip_overlap"] = options.skip_overlap;
  if (options.per_file) {
    j["files"] = nlohmann::ordered_json::array();
    for (const FileScore& f : files) j["files"].push_back(score_json(f, true));
  }
  j["total"] = score_json(total, false);
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

CLI::App* add_score_command(CLI::App& app, ScoreOptions& o) {
  CLI::App* score = app.add_subcommand(
      "score", "Score hypothesis turns against a reference: DER (missed, false alarm, confusion) and JER");
  score->add_option("--ref", o.reference_path, "Reference RTTM (may hold many files)")->required();
  score->add_option("--hyp", o.hypothesis_path, "Hypothesis RTTM or diarize JSON / JSON Lines ('-' reads stdin)")
      ->required();
  score->add_option("--uem", o.uem_path, "Scored regions (UEM); default: extent of reference and hypothesis turns");
  score->add_option("--collar", o.collar_s, "Seconds not scored on each side of every reference boundary (md-eval -c)");
  score->add_flag("--skip-overlap", o.skip_overlap, "Score only where the reference has at most one speaker");
  score->add_flag("--exclusive", o.exclusive, "Score the exclusive_segments of diarize JSON hypotheses");
  score->add_flag("--per-file", o.per_file, "Print one row per file before the TOTAL");
  score->add_flag("--json", o.json, "Print JSON instead of a table");
  return score;
}

int run_score(const ScoreOptions& options) {
  if (!std::isfinite(options.collar_s) || options.collar_s < 0)
    throw UsageError("--collar must be a non-negative number of seconds");
  const TurnsByUri reference = group_by_uri(read_turns_file(options.reference_path));
  const TurnsByUri hypothesis = group_by_uri(
      read_turns_file(options.hypothesis_path, options.exclusive ? TurnSelection::kExclusive : TurnSelection::kRegular));
  if (reference.order.empty()) throw InputError(options.reference_path + ": no SPEAKER turns to score against");
  std::optional<Uem> uem;
  if (!options.uem_path.empty()) uem = read_uem_file(options.uem_path);

  for (const std::string& uri : hypothesis.order)
    if (!reference.turns.count(uri)) warn(uri + ": in the hypothesis but not in the reference, ignored");
  if (uem)
    for (const auto& [uri, regions] : *uem)
      if (!reference.turns.count(uri)) warn(uri + ": in the UEM but not in the reference, ignored");

  const ScoringOptions scoring{options.collar_s, options.skip_overlap};
  const std::vector<RttmTurn> no_turns;
  std::vector<FileScore> files;
  for (const std::string& uri : reference.order) {
    const std::vector<TimeRegion>* regions = nullptr;
    if (uem) {
      const auto it = uem->find(uri);
      if (it == uem->end()) {
        warn(uri + ": no UEM region, not scored");
        continue;
      }
      regions = &it->second;
    }
    const auto hyp = hypothesis.turns.find(uri);
    if (hyp == hypothesis.turns.end()) warn(uri + ": not in the hypothesis, scored as all missed");
    files.push_back(score_file(uri, reference.turns.at(uri), hyp == hypothesis.turns.end() ? no_turns : hyp->second,
                               regions, scoring));
  }
  const FileScore total = sum_scores(files);
  if (options.json)
    print_json(files, total, options);
  else
    print_table(files, total, options.per_file);
  return kExitOk;
}

}  // namespace diarize
