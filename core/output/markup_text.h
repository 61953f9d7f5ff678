// Text for markup formats (SVG, WebVTT): special characters escaped, and bytes that are not
// UTF-8 or control characters XML forbids replaced by U+FFFD, so one odd file name or
// recogniser byte cannot make the whole file unreadable.
#pragma once

#include <string>

namespace diarize {

// Escapes & < > (and " when `escape_quotes`, for attribute-safe XML) and repairs the text.
std::string markup_text(const std::string& text, bool escape_quotes);

}  // namespace diarize
