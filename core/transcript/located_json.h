// A small JSON reader that remembers the line of every value, so a transcript that parses but
// does not follow the expected layout can still be reported as "<file>:<line>: <reason>".
// It is deliberately lenient where recognisers are sloppy: whisper.cpp writes token texts as raw
// bytes (a sub-word token may hold half of a UTF-8 character) and escapes only quotes and
// backslashes, and Python's json module writes NaN and Infinity. So strings keep their bytes as
// they are (control characters included), and NaN, Infinity, -Infinity (and C++'s nan, inf,
// -nan, -inf) read as numbers. Everything else is strict JSON.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace diarize {

struct LocatedJson {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  int line = 1;  // where the value starts
  bool boolean = false;
  double number = 0.0;
  std::string string;  // kString: the bytes, with escapes decoded (\uXXXX as UTF-8)
  std::vector<LocatedJson> items;                            // kArray
  std::vector<std::pair<std::string, LocatedJson>> members;  // kObject, in file order

  // The first member named `key`, or nullptr (also for a value that is not an object).
  const LocatedJson* find(const std::string& key) const;
  bool is_number() const { return kind == Kind::kNumber; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_object() const { return kind == Kind::kObject; }
};

// Parses one JSON document (white space around it is allowed). Throws TranscriptError
// "<origin>:<line>: <reason>" on malformed text or nesting deeper than 200 levels.
LocatedJson parse_located_json(const std::string& text, const std::string& origin);

}  // namespace diarize
