// Test audio written at test time with libsndfile (never audio copied from ../shared).
#pragma once

#include <string>
#include <vector>

namespace diarize::test {

// Writes interleaved float `samples` (frames x channels) as a WAV of the given sample format
// (default 16-bit PCM); REQUIREs success.
void write_wav(const std::string& path, int rate_hz, int channels, const std::vector<float>& samples,
               int subformat = 0x0002 /* SF_FORMAT_PCM_16 */);

// `seconds` of digital silence, 16-bit mono.
void write_silence(const std::string& path, int rate_hz, double seconds);

}  // namespace diarize::test
