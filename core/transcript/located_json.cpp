// Recursive-descent JSON reader with line numbers (see located_json.h for what it tolerates).
#include "transcript/located_json.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "transcript/transcript.h"

namespace diarize {

const LocatedJson* LocatedJson::find(const std::string& key) const {
  for (const auto& [name, value] : members)
    if (name == key) return &value;
  return nullptr;
}

namespace {

constexpr int kMaxDepth = 200;  // far beyond any transcript; keeps hostile input off the stack's end

class Parser {
 public:
  Parser(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

  LocatedJson document() {
    skip_space();
    LocatedJson value = parse_value(0);
    skip_space();
    if (pos_ < text_.size()) fail("unexpected text after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const { throw transcript_error(origin_, line_, reason); }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  bool consume_word(const char* word) {
    size_t n = 0;
    while (word[n]) ++n;
    if (text_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }

  LocatedJson parse_value(int depth) {
    if (depth > kMaxDepth) fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    LocatedJson value;
    value.line = line_;
    if (at_end()) fail("unexpected end of the file, a JSON value was expected");
    const char c = peek();
    if (c == '{') {
      parse_object(value, depth);
    } else if (c == '[') {
      parse_array(value, depth);
    } else if (c == '"') {
      value.kind = LocatedJson::Kind::kString;
      value.string = parse_string();
    } else if (consume_word("true")) {
      value.kind = LocatedJson::Kind::kBool;
      value.boolean = true;
    } else if (consume_word("false")) {
      value.kind = LocatedJson::Kind::kBool;
    } else if (consume_word("null")) {
      value.kind = LocatedJson::Kind::kNull;
    } else {
      value.kind = LocatedJson::Kind::kNumber;
      value.number = parse_number();
    }
    return value;
  }

  void parse_object(LocatedJson& value, int depth) {
    value.kind = LocatedJson::Kind::kObject;
    ++pos_;  // '{'
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return;
    }
    while (true) {
      skip_space();
      if (peek() != '"') fail("a member name in double quotes was expected");
      std::string name = parse_string();
      skip_space();
      if (peek() != ':') fail("':' was expected after the member name \"" + name + "\"");
      ++pos_;
      skip_space();
      value.members.emplace_back(std::move(name), parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return;
      }
      fail(at_end() ? "unexpected end of the file inside an object" : "',' or '}' was expected in an object");
    }
  }

  void parse_array(LocatedJson& value, int depth) {
    value.kind = LocatedJson::Kind::kArray;
    ++pos_;  // '['
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    while (true) {
      skip_space();
      value.items.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return;
      }
      fail(at_end() ? "unexpected end of the file inside an array" : "',' or ']' was expected in an array");
    }
  }

  static void append_utf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  uint32_t parse_hex4() {
    if (pos_ + 4 > text_.size()) fail("unexpected end of the file in a \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        fail("a \\u escape needs four hexadecimal digits");
      }
    }
    return code;
  }

  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) fail("unexpected end of the file inside a string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\n') ++line_;  // kept: whisper.cpp does not escape control characters
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail("unexpected end of the file inside a string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t code = parse_hex4();
          if (code >= 0xD800 && code < 0xDC00 && text_.compare(pos_, 2, "\\u") == 0) {
            const size_t save = pos_;
            pos_ += 2;
            const uint32_t low = parse_hex4();
            if (low >= 0xDC00 && low < 0xE000) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;  // a lone high surrogate; the next escape stands alone
            }
          }
          if (code >= 0xD800 && code < 0xE000) code = 0xFFFD;  // unpaired surrogate: replacement character
          append_utf8(out, code);
          break;
        }
        default:
          fail(std::string("unknown escape '\\") + e + "' in a string");
      }
    }
  }

  double parse_number() {
    // Python's and C++'s spellings of non-finite numbers first.
    struct Special {
      const char* word;
      double value;
    };
    static const Special specials[] = {
        {"NaN", std::numeric_limits<double>::quiet_NaN()},  {"nan", std::numeric_limits<double>::quiet_NaN()},
        {"-nan", std::numeric_limits<double>::quiet_NaN()}, {"Infinity", std::numeric_limits<double>::infinity()},
        {"-Infinity", -std::numeric_limits<double>::infinity()}, {"inf", std::numeric_limits<double>::infinity()},
        {"-inf", -std::numeric_limits<double>::infinity()}};
    for (const Special& s : specials)
      if (consume_word(s.word)) return s.value;

    // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      pos_ = start;
      fail(at_end() ? "unexpected end of the file, a JSON value was expected" : "not a JSON value");
    }
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0) fail("a number needs digits after its decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) fail("a number needs digits in its exponent");
    }
    double value = 0.0;
    const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (error == std::errc::result_out_of_range) {
      // Beyond double's range: a huge magnitude is infinite (callers check finiteness), a tiny one 0.
      const bool negative = text_[start] == '-';
      const size_t exponent = text_.find_first_of("eE", start);
      const bool tiny = exponent < pos_ && text_[exponent + 1] == '-';
      if (tiny) return negative ? -0.0 : 0.0;
      return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    if (error != std::errc() || end != text_.data() + pos_) fail("not a number");
    return value;
  }

  const std::string& text_;
  const std::string& origin_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

LocatedJson parse_located_json(const std::string& text, const std::string& origin) {
  return Parser(text, origin).document();
}

}  // namespace diarize
