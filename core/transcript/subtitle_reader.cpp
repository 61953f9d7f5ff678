// SRT and WebVTT readers: line-based, one segment per cue, errors name the line.
#include "transcript/subtitle_reader.h"

#include <cctype>
#include <cstdint>
#include <vector>

namespace diarize {

namespace {

// The text's lines without line terminators ("\n", "\r\n" or a lone "\r") and without a leading
// UTF-8 byte order mark. Line i of the file is lines[i - 1].
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  std::string line;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      lines.push_back(std::move(line));
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

bool is_blank(const std::string& line) {
  for (const char c : line)
    if (c != ' ' && c != '\t') return false;
  return true;
}

std::string trim(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

// True when `line` starts with `keyword` followed by the end of the line, a space or a tab.
bool starts_with_keyword(const std::string& line, const std::string& keyword) {
  if (line.compare(0, keyword.size(), keyword) != 0) return false;
  return line.size() == keyword.size() || line[keyword.size()] == ' ' || line[keyword.size()] == '\t';
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Parses "<start> --> <end>[ settings]"; settings (WebVTT) and coordinates (SRT) are ignored.
// Returns "" on success, else why the line is not a timing line.
std::string parse_timing(const std::string& line, double& start_s, double& end_s) {
  const size_t arrow = line.find("-->");
  if (arrow == std::string::npos) return "a timing line 'START --> END' was expected";
  const std::string left = trim(line.substr(0, arrow));
  std::string right = trim(line.substr(arrow + 3));
  const size_t space = right.find_first_of(" \t");
  if (space != std::string::npos) right = right.substr(0, space);
  if (!parse_cue_time(left, start_s)) return "'" + left + "' is not a cue time (HH:MM:SS,mmm)";
  if (!parse_cue_time(right, end_s)) return "'" + right + "' is not a cue time (HH:MM:SS,mmm)";
  if (end_s < start_s) return "the cue ends (" + right + ") before it starts (" + left + ")";
  return "";
}

void append_decoded_entity(const std::string& name, std::string& out) {
  if (name == "amp") {
    out += '&';
  } else if (name == "lt") {
    out += '<';
  } else if (name == "gt") {
    out += '>';
  } else if (name == "quot") {
    out += '"';
  } else if (name == "apos") {
    out += '\'';
  } else if (name == "nbsp") {
    out += ' ';
  } else if (name == "lrm" || name == "rlm") {
    // direction marks carry no words
  } else {
    out += "&" + name + ";";
  }
}

// A cue's payload as plain text: tags (<i>, </b>, <v Name>, <c.x>, <00:01.000>) and SRT's ASS
// overrides ({\an8}) removed, WebVTT's character references decoded, white space collapsed.
std::string plain_cue_text(const std::string& payload, bool webvtt) {
  std::string out;
  for (size_t i = 0; i < payload.size(); ++i) {
    const char c = payload[i];
    if (c == '<') {
      const size_t close = payload.find('>', i);
      if (close != std::string::npos) {
        i = close;
        continue;
      }
    } else if (c == '{' && !webvtt && i + 1 < payload.size() && payload[i + 1] == '\\') {
      const size_t close = payload.find('}', i);
      if (close != std::string::npos) {
        i = close;
        continue;
      }
    } else if (c == '&' && webvtt) {
      const size_t semicolon = payload.find(';', i);
      if (semicolon != std::string::npos && semicolon - i <= 8) {
        append_decoded_entity(payload.substr(i + 1, semicolon - i - 1), out);
        i = semicolon;
        continue;
      }
    }
    out += c;
  }
  std::string collapsed;
  for (const char c : out) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

// Reads a cue's payload lines from lines[i] to the next blank line; advances i past them.
std::string read_payload(const std::vector<std::string>& lines, size_t& i, bool webvtt) {
  std::string payload;
  for (; i < lines.size() && !is_blank(lines[i]); ++i) payload += lines[i] + "\n";
  return plain_cue_text(payload, webvtt);
}

void add_cue(Transcript& transcript, double start_s, double end_s, std::string text) {
  if (text.empty()) return;  // nothing was said in it
  TranscriptSegment segment;
  segment.start_s = start_s;
  segment.end_s = end_s;
  segment.text = std::move(text);
  transcript.segments.push_back(std::move(segment));
}

}  // namespace

bool parse_cue_time(const std::string& text, double& seconds) {
  // Split "[H+:]MM:SS[,.fff]" into its numbers.
  std::vector<std::string> parts;
  std::string fraction;
  std::string current;
  bool in_fraction = false;
  for (const char c : text) {
    if (c == ':' && !in_fraction) {
      parts.push_back(current);
      current.clear();
    } else if ((c == ',' || c == '.') && !in_fraction) {
      parts.push_back(current);
      current.clear();
      in_fraction = true;
    } else if (c >= '0' && c <= '9') {
      current += c;
    } else {
      return false;
    }
  }
  if (in_fraction) {
    fraction = current;
    if (fraction.empty() || fraction.size() > 3) return false;
  } else {
    parts.push_back(current);
  }
  if (parts.size() != 2 && parts.size() != 3) return false;
  const std::string& mm = parts[parts.size() - 2];
  const std::string& ss = parts[parts.size() - 1];
  if (mm.size() != 2 || ss.size() != 2) return false;
  int64_t hours = 0;
  if (parts.size() == 3) {
    const std::string& hh = parts[0];
    if (hh.empty() || hh.size() > 6) return false;
    hours = std::stoll(hh);
  }
  const int minutes = std::stoi(mm), secs = std::stoi(ss);
  if (minutes > 59 || secs > 59) return false;
  int millis = 0;
  if (!fraction.empty()) {
    std::string padded = fraction;
    while (padded.size() < 3) padded += '0';
    millis = std::stoi(padded);
  }
  seconds = static_cast<double>(hours * 3600 + minutes * 60 + secs) + millis / 1000.0;
  return true;
}

Transcript parse_srt(const std::string& text, const std::string& origin) {
  const std::vector<std::string> lines = split_lines(text);
  Transcript transcript;
  transcript.format = "srt";
  size_t i = 0;
  while (true) {
    while (i < lines.size() && is_blank(lines[i])) ++i;
    if (i == lines.size()) break;
    const int cue_line = static_cast<int>(i) + 1;
    // The cue number is optional in practice (some tools leave it out); the timing line is not.
    if (lines[i].find("-->") == std::string::npos) {
      const std::string number = trim(lines[i]);
      if (!all_digits(number))
        throw transcript_error(origin, cue_line,
                               "a cue number or a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm' was expected, found '" +
                                   number.substr(0, 40) + "'");
      ++i;
      if (i == lines.size() || is_blank(lines[i]))
        throw transcript_error(origin, static_cast<int>(i < lines.size() ? i + 1 : i),
                               "cue " + number + " has no timing line");
    }
    double start_s = 0.0, end_s = 0.0;
    const std::string why = parse_timing(lines[i], start_s, end_s);
    if (!why.empty()) throw transcript_error(origin, static_cast<int>(i) + 1, why);
    ++i;
    add_cue(transcript, start_s, end_s, read_payload(lines, i, false));
  }
  return transcript;
}

Transcript parse_webvtt(const std::string& text, const std::string& origin) {
  const std::vector<std::string> lines = split_lines(text);
  size_t i = 0;
  while (i < lines.size() && is_blank(lines[i])) ++i;
  if (i == lines.size() || !starts_with_keyword(lines[i], "WEBVTT"))
    throw transcript_error(origin, static_cast<int>(i < lines.size() ? i + 1 : 1),
                           "a WebVTT file starts with the line 'WEBVTT'");
  Transcript transcript;
  transcript.format = "webvtt";
  ++i;
  while (i < lines.size() && !is_blank(lines[i])) ++i;  // the rest of the header block
  while (true) {
    while (i < lines.size() && is_blank(lines[i])) ++i;
    if (i == lines.size()) break;
    const std::string& first = lines[i];
    if (starts_with_keyword(first, "NOTE") || starts_with_keyword(first, "STYLE") ||
        starts_with_keyword(first, "REGION")) {
      while (i < lines.size() && !is_blank(lines[i])) ++i;
      continue;
    }
    if (first.find("-->") == std::string::npos) {  // a cue identifier
      ++i;
      if (i == lines.size() || lines[i].find("-->") == std::string::npos)
        throw transcript_error(origin, static_cast<int>(i < lines.size() ? i + 1 : i),
                               "the cue '" + trim(first).substr(0, 40) + "' has no timing line");
    }
    double start_s = 0.0, end_s = 0.0;
    const std::string why = parse_timing(lines[i], start_s, end_s);
    if (!why.empty()) throw transcript_error(origin, static_cast<int>(i) + 1, why);
    ++i;
    add_cue(transcript, start_s, end_s, read_payload(lines, i, true));
  }
  return transcript;
}

}  // namespace diarize
