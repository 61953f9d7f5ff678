// The hand-built result the output-format tests share: three speakers whose regular turns overlap
// once, the exclusive turns a pipeline would derive from them, and the OpenAI Whisper sample
// transcript (test/core/transcript/samples/whisper.json) attributed to them.
#pragma once

#include "output/diarization.h"
#include "transcript/speaker_assignment.h"

namespace diarize::test {

struct TranscriptFixture {
  FileResult result;  // regular and exclusive turns in result.diarization
  AttributedTranscript transcript;
};

TranscriptFixture transcript_fixture();

// Compares `actual` with test/core/output/expected/<name> byte for byte; on a difference it
// writes `actual` to /tmp/diarize-expected/<name> so the two can be diffed.
void check_expected_file(const std::string& name, const std::string& actual);

}  // namespace diarize::test
