// whisper.cpp, OpenAI Whisper and WhisperX JSON transcripts into segments and words.
#include "transcript/whisper_json_reader.h"

#include <cmath>

#include "transcript/located_json.h"

namespace diarize {

namespace {

// Text on one line (transcript.h's promise to the formatters), without white space around it.
std::string trim_spaces(const std::string& s) {
  size_t begin = 0, end = s.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (begin < end && space(s[begin])) ++begin;
  while (end > begin && space(s[end - 1])) --end;
  std::string out = s.substr(begin, end - begin);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

class LayoutReader {
 public:
  explicit LayoutReader(const std::string& origin) : origin_(origin) {}

  [[noreturn]] void fail(const LocatedJson& at, const std::string& reason) const {
    throw transcript_error(origin_, at.line, reason);
  }

  const LocatedJson& member(const LocatedJson& object, const std::string& key, const std::string& what) const {
    const LocatedJson* value = object.find(key);
    if (!value) fail(object, what + " has no \"" + key + "\"");
    return *value;
  }

  const LocatedJson& array_member(const LocatedJson& object, const std::string& key, const std::string& what) const {
    const LocatedJson& value = member(object, key, what);
    if (!value.is_array()) fail(value, what + "'s \"" + key + "\" is not an array");
    return value;
  }

  std::string string_member(const LocatedJson& object, const std::string& key, const std::string& what) const {
    const LocatedJson& value = member(object, key, what);
    if (!value.is_string()) fail(value, what + "'s \"" + key + "\" is not a string");
    return value.string;
  }

  // A time in seconds that must be there: a finite, non-negative number.
  double seconds(const LocatedJson& value, const std::string& what, double scale) const {
    if (!value.is_number() || !std::isfinite(value.number)) fail(value, what + " is not a finite number");
    if (value.number < 0) fail(value, what + " is negative");
    return value.number * scale;
  }

  // An optional time: absent, null or NaN means "no time" (WhisperX); anything else must be valid.
  bool optional_seconds(const LocatedJson& object, const std::string& key, const std::string& what, double& out) const {
    const LocatedJson* value = object.find(key);
    if (!value || value->kind == LocatedJson::Kind::kNull || (value->is_number() && std::isnan(value->number)))
      return false;
    out = seconds(*value, what + "'s \"" + key + "\"", 1.0);
    return true;
  }

  void check_order(const LocatedJson& at, double start_s, double end_s, const std::string& what) const {
    if (end_s < start_s) fail(at, what + " ends before it starts");
  }

 private:
  const std::string& origin_;
};

bool is_special_token(const std::string& text) {
  return text.size() >= 3 && text.compare(0, 2, "[_") == 0 && text.back() == ']';
}

// whisper.cpp's offsets object {"from": ms, "to": ms} in seconds.
bool read_offsets(const LayoutReader& reader, const LocatedJson& object, const std::string& what, double& start_s,
                  double& end_s, bool required) {
  const LocatedJson* offsets = object.find("offsets");
  if (!offsets) {
    if (required) reader.fail(object, what + " has no \"offsets\"");
    return false;
  }
  if (!offsets->is_object()) reader.fail(*offsets, what + "'s \"offsets\" is not an object");
  start_s = reader.seconds(reader.member(*offsets, "from", what + "'s \"offsets\""), what + "'s offsets.from", 1e-3);
  end_s = reader.seconds(reader.member(*offsets, "to", what + "'s \"offsets\""), what + "'s offsets.to", 1e-3);
  reader.check_order(*offsets, start_s, end_s, what);
  return true;
}

// Merges -ojf sub-word tokens into words.
std::vector<TranscriptWord> words_from_tokens(const LayoutReader& reader, const LocatedJson& tokens) {
  std::vector<TranscriptWord> words;
  std::string text;
  bool timed = false;
  double start_s = 0.0, end_s = 0.0;
  auto flush = [&] {
    const std::string word = trim_spaces(text);
    if (!word.empty()) {
      TranscriptWord w;
      w.text = word;
      w.timed = timed;
      w.start_s = start_s;
      w.end_s = end_s;
      words.push_back(std::move(w));
    }
    text.clear();
    timed = false;
  };
  for (const LocatedJson& token : tokens.items) {
    if (!token.is_object()) reader.fail(token, "a token is not an object");
    const std::string token_text = reader.string_member(token, "text", "a token");
    if (token_text.empty() || is_special_token(token_text)) continue;
    if (token_text[0] == ' ') flush();
    double from = 0.0, to = 0.0;
    if (read_offsets(reader, token, "a token", from, to, false)) {
      if (!timed) start_s = from;
      end_s = timed ? std::max(end_s, to) : to;
      timed = true;
    }
    text += token_text;
  }
  flush();
  return words;
}

Transcript read_whisper_cpp(const LayoutReader& reader, const LocatedJson& root) {
  Transcript transcript;
  transcript.format = "whisper.cpp";
  for (const LocatedJson& entry : reader.array_member(root, "transcription", "the JSON").items) {
    if (!entry.is_object()) reader.fail(entry, "a \"transcription\" entry is not an object");
    TranscriptSegment segment;
    read_offsets(reader, entry, "a \"transcription\" entry", segment.start_s, segment.end_s, true);
    segment.text = trim_spaces(reader.string_member(entry, "text", "a \"transcription\" entry"));
    if (const LocatedJson* tokens = entry.find("tokens")) {
      if (!tokens->is_array()) reader.fail(*tokens, "\"tokens\" is not an array");
      segment.words = words_from_tokens(reader, *tokens);
    }
    if (segment.text.empty() && segment.words.empty()) continue;
    transcript.segments.push_back(std::move(segment));
  }
  return transcript;
}

Transcript read_whisper_segments(const LayoutReader& reader, const LocatedJson& root) {
  Transcript transcript;
  transcript.format = "whisper";
  for (const LocatedJson& entry : reader.array_member(root, "segments", "the JSON").items) {
    if (!entry.is_object()) reader.fail(entry, "a \"segments\" entry is not an object");
    TranscriptSegment segment;
    segment.text = trim_spaces(reader.string_member(entry, "text", "a segment"));
    if (const LocatedJson* words = entry.find("words")) {
      if (!words->is_array()) reader.fail(*words, "a segment's \"words\" is not an array");
      for (const LocatedJson& item : words->items) {
        if (!item.is_object()) reader.fail(item, "a word is not an object");
        if (item.find("score")) transcript.format = "whisperx";
        TranscriptWord word;
        word.text = trim_spaces(reader.string_member(item, "word", "a word"));
        double start_s = 0.0, end_s = 0.0;
        const bool has_start = reader.optional_seconds(item, "start", "a word", start_s);
        const bool has_end = reader.optional_seconds(item, "end", "a word", end_s);
        if (has_start && has_end) {
          reader.check_order(item, start_s, end_s, "a word");
          word.timed = true;
          word.start_s = start_s;
          word.end_s = end_s;
        }
        if (!word.text.empty()) segment.words.push_back(std::move(word));
      }
    }
    // A segment's own times; when they are missing (NaN in some WhisperX output), its words' span.
    double start_s = 0.0, end_s = 0.0;
    const bool has_start = reader.optional_seconds(entry, "start", "a segment", start_s);
    const bool has_end = reader.optional_seconds(entry, "end", "a segment", end_s);
    if (!has_start || !has_end) {
      bool any = false;
      for (const TranscriptWord& w : segment.words) {
        if (!w.timed) continue;
        if (!has_start) start_s = any ? std::min(start_s, w.start_s) : w.start_s;
        if (!has_end) end_s = any ? std::max(end_s, w.end_s) : w.end_s;
        any = true;
      }
      if (!any) reader.fail(entry, "a segment has neither times of its own nor timed words");
    }
    reader.check_order(entry, start_s, end_s, "a segment");
    segment.start_s = start_s;
    segment.end_s = end_s;
    if (segment.text.empty() && segment.words.empty()) continue;
    transcript.segments.push_back(std::move(segment));
  }
  return transcript;
}

}  // namespace

Transcript parse_whisper_json(const std::string& text, const std::string& origin) {
  const LocatedJson root = parse_located_json(text, origin);
  const LayoutReader reader(origin);
  if (!root.is_object()) reader.fail(root, "the JSON is not an object");
  if (root.find("transcription")) return read_whisper_cpp(reader, root);
  if (root.find("segments")) return read_whisper_segments(reader, root);
  reader.fail(root, "JSON with neither \"transcription\" (whisper.cpp) nor \"segments\" (Whisper, WhisperX)");
}

}  // namespace diarize
