// A readable transcript: one paragraph per run of words with the same speaker,
// "SPEAKER_00: words", paragraphs separated by a blank line.
#pragma once

#include <string>
#include <vector>

#include "transcript/speaker_assignment.h"

namespace diarize {

std::string format_transcript_text(const std::vector<std::string>& labels, const AttributedTranscript& transcript);

}  // namespace diarize
