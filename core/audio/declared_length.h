// How long a file's header says it is, and whether the decoded audio falls short of that: a file
// cut short (an interrupted copy, a partial download) decodes without any error from libsndfile,
// whose WAV and AIFF readers quietly trim the declared length to the bytes present.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace diarize {

// The frame count a RIFF/WAVE (PCM, float, A-law, mu-law, extensible) or AIFF/AIFC header
// declares, read from the file's first bytes; nullopt when the format is another, the length is
// "unknown" (0 or 0xFFFFFFFF, as streaming writers leave it), or the header is not in `size` bytes.
std::optional<int64_t> declared_frames_in_header(const uint8_t* data, size_t size);

// A one-line warning when `decoded_frames` is under 95 % of `declared_frames` and more than one
// second short (the slack covers MP3's estimated counts), else "".
std::string truncation_warning(int64_t declared_frames, int64_t decoded_frames, int rate_hz);

}  // namespace diarize
