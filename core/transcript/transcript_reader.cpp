// Content sniffing and file reading in front of the SRT, WebVTT and Whisper JSON readers.
#include "transcript/transcript_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "transcript/subtitle_reader.h"
#include "transcript/whisper_json_reader.h"

namespace diarize {

TranscriptError transcript_error(const std::string& origin, int line, const std::string& reason) {
  return TranscriptError(origin + ":" + std::to_string(line) + ": " + reason);
}

Transcript parse_transcript(const std::string& text, const std::string& origin) {
  size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
  if (pos == text.size()) {
    Transcript empty;
    empty.format = "empty";
    return empty;
  }
  if (text.compare(pos, 6, "WEBVTT") == 0) return parse_webvtt(text, origin);
  if (text[pos] == '{') return parse_whisper_json(text, origin);
  return parse_srt(text, origin);
}

Transcript read_transcript_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw TranscriptError(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw TranscriptError(path + ": is a folder, not a transcript file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TranscriptError(path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw TranscriptError(path + ": read error");
  return parse_transcript(content.str(), path);
}

}  // namespace diarize
