// Test audio written at test time with libsndfile (never audio copied from ../shared).
#pragma once

#include <string>
#include <vector>

namespace diarize::test {

// Writes interleaved float `samples` (frames x channels) as a WAV of the given sample format
// (default 16-bit PCM); REQUIREs success.
void write_wav(const std::string& path, int rate_hz, int channels, const std::vector<float>& samples,
               int subformat = 0x0002 /* SF_FORMAT_PCM_16 */);

// The same in any format libsndfile writes (`format`: major | subformat, e.g. SF_FORMAT_FLAC |
// SF_FORMAT_PCM_16, or SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III).
void write_audio(const std::string& path, int format, int rate_hz, int channels, const std::vector<float>& samples);

// `seconds` of digital silence, 16-bit mono.
void write_silence(const std::string& path, int rate_hz, double seconds);

}  // namespace diarize::test
