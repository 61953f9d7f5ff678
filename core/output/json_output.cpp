// JSON result formatter and parser (schema diarize.result/1).
#include "output/json_output.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/speaker_summary.h"

namespace diarize {

namespace {

double round_ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

nlohmann::ordered_json segments_json(const std::vector<SpeakerTurn>& turns, const std::vector<std::string>& labels) {
  auto segments = nlohmann::ordered_json::array();
  for (const SpeakerTurn& turn : turns)
    segments.push_back({{"start", round_ms(turn.start_s)},
                        {"end", round_ms(turn.end_s)},
                        {"speaker", labels.at(static_cast<size_t>(turn.speaker))}});
  return segments;
}

std::vector<SpeakerTurn> parse_segments(const nlohmann::json& segments, const std::vector<std::string>& labels) {
  std::vector<SpeakerTurn> turns;
  for (const auto& segment : segments) {
    SpeakerTurn turn;
    turn.start_s = segment.at("start").get<double>();
    turn.end_s = segment.at("end").get<double>();
    const std::string label = segment.at("speaker").get<std::string>();
    const auto found = std::find(labels.begin(), labels.end(), label);
    if (found == labels.end()) throw std::runtime_error("segment speaker '" + label + "' is not listed in speakers");
    turn.speaker = static_cast<int>(found - labels.begin());
    turns.push_back(turn);
  }
  return turns;
}

nlohmann::ordered_json summary_json(const Diarization& diarization) {
  const std::vector<SpeakerSummary> summary = summarize_speakers(diarization.labels, diarization.turns);
  auto j = nlohmann::ordered_json::object();
  for (size_t k = 0; k < summary.size(); ++k)
    j[diarization.labels[k]] = {{"speech_s", round_ms(summary[k].speech_s)},
                                {"share", std::round(summary[k].share * 10000.0) / 10000.0},
                                {"turns", summary[k].turns},
                                {"overlap_s", round_ms(summary[k].overlap_s)}};
  return j;
}

// Words without times (WhisperX could not align them) keep null times.
nlohmann::ordered_json words_json(const std::vector<std::string>& labels, const AttributedTranscript& transcript) {
  auto words = nlohmann::ordered_json::array();
  for (const AttributedWord& word : transcript.words) {
    const nlohmann::ordered_json none(nullptr);
    words.push_back({{"start", word.timed ? nlohmann::ordered_json(round_ms(word.start_s)) : none},
                     {"end", word.timed ? nlohmann::ordered_json(round_ms(word.end_s)) : none},
                     {"word", word.text},
                     {"speaker", speaker_name(labels, word.speaker)}});
  }
  return words;
}

}  // namespace

std::string format_json(const FileResult& result, const AttributedTranscript* transcript) {
  nlohmann::ordered_json j;
  j["schema"] = kJsonSchema;
  j["uri"] = result.uri;
  j["file"] = result.file;
  j["duration_s"] = round_ms(result.duration_s);
  j["speakers"] = result.diarization.labels;
  j["segments"] = segments_json(result.diarization.turns, result.diarization.labels);
  j["exclusive_segments"] = segments_json(result.diarization.exclusive_turns, result.diarization.labels);
  j["device"] = result.device;
  j["fallback"] = result.fallback.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.fallback);
  j["embedding"] = result.embedding;
  // Unknown only when nothing was diarized (an input without samples before any model was needed).
  if (!result.pipeline.empty()) j["pipeline"] = result.pipeline;
  auto timings = nlohmann::ordered_json::object();
  for (const auto& [stage, seconds] : result.timings_s) timings[stage] = round_ms(seconds);
  j["timings_s"] = std::move(timings);
  if (!result.diarization.centroids.empty()) {
    auto centroids = nlohmann::ordered_json::object();
    for (size_t k = 0; k < result.diarization.centroids.size() && k < result.diarization.labels.size(); ++k)
      centroids[result.diarization.labels[k]] = result.diarization.centroids[k];
    j["centroids"] = std::move(centroids);
  }
  j["summary"] = summary_json(result.diarization);
  if (transcript) j["words"] = words_json(result.diarization.labels, *transcript);
  // Transcripts may hold bytes that are not UTF-8 (whisper.cpp splits characters across tokens):
  // replaced by U+FFFD rather than failing the whole output.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

FileResult parse_json(const std::string& text, bool* has_exclusive_segments) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception&) {
    throw std::runtime_error("not valid JSON");
  }
  try {
    if (!j.is_object() || j.value("schema", "") != kJsonSchema)
      throw std::runtime_error(std::string("not a ") + kJsonSchema + " object");
    FileResult result;
    result.uri = j.at("uri").get<std::string>();
    result.file = j.at("file").get<std::string>();
    result.duration_s = j.at("duration_s").get<double>();
    result.diarization.labels = j.at("speakers").get<std::vector<std::string>>();
    result.diarization.turns = parse_segments(j.at("segments"), result.diarization.labels);
    // Written by every diarize since the exclusive diarization exists; older files lack it.
    if (has_exclusive_segments) *has_exclusive_segments = j.contains("exclusive_segments");
    if (j.contains("exclusive_segments"))
      result.diarization.exclusive_turns = parse_segments(j["exclusive_segments"], result.diarization.labels);
    if (j.contains("device") && j["device"].is_string()) result.device = j["device"].get<std::string>();
    if (j.contains("fallback") && j["fallback"].is_string()) result.fallback = j["fallback"].get<std::string>();
    if (j.contains("embedding") && j["embedding"].is_string()) result.embedding = j["embedding"].get<std::string>();
    if (j.contains("pipeline") && j["pipeline"].is_string()) result.pipeline = j["pipeline"].get<std::string>();
    if (j.contains("timings_s"))
      for (const auto& [stage, seconds] : j["timings_s"].items()) result.timings_s[stage] = seconds.get<double>();
    if (j.contains("centroids"))
      for (const std::string& label : result.diarization.labels)
        result.diarization.centroids.push_back(j["centroids"].at(label).get<std::vector<float>>());
    return result;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("does not follow the schema: ") + e.what());
  }
}

}  // namespace diarize
