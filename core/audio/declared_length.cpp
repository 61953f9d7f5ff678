// RIFF/WAVE and AIFF header lengths and the truncation warning (see declared_length.h).
#include "audio/declared_length.h"

#include <cstdio>
#include <cstring>

namespace diarize {

namespace {

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }

std::optional<int64_t> wave_frames(const uint8_t* data, size_t size) {
  uint16_t format = 0, block_align = 0;
  for (size_t at = 12; at + 8 <= size;) {
    const uint32_t chunk = le32(data + at + 4);
    const uint8_t* body = data + at + 8;
    if (std::memcmp(data + at, "fmt ", 4) == 0 && chunk >= 16 && at + 8 + 16 <= size) {
      format = le16(body);
      block_align = le16(body + 12);
    } else if (std::memcmp(data + at, "data", 4) == 0) {
      // Only where a block is one frame: compressed WAV (ADPCM, GSM) packs many frames a block.
      const bool frame_blocks = format == 1 || format == 3 || format == 6 || format == 7 || format == 0xFFFE;
      if (!frame_blocks || block_align == 0 || chunk == 0 || chunk == 0xFFFFFFFFu) return std::nullopt;
      return static_cast<int64_t>(chunk / block_align);
    }
    at += 8 + static_cast<size_t>(chunk) + (chunk & 1);
  }
  return std::nullopt;
}

std::optional<int64_t> aiff_frames(const uint8_t* data, size_t size) {
  for (size_t at = 12; at + 8 <= size;) {
    const uint32_t chunk = be32(data + at + 4);
    if (std::memcmp(data + at, "COMM", 4) == 0 && chunk >= 6 && at + 8 + 6 <= size) {
      const uint32_t frames = be32(data + at + 10);
      if (frames == 0 || frames == 0xFFFFFFFFu) return std::nullopt;
      return static_cast<int64_t>(frames);
    }
    at += 8 + static_cast<size_t>(chunk) + (chunk & 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> declared_frames_in_header(const uint8_t* data, size_t size) {
  if (size < 12) return std::nullopt;
  if (std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WAVE", 4) == 0) return wave_frames(data, size);
  if (std::memcmp(data, "FORM", 4) == 0 && (std::memcmp(data + 8, "AIFF", 4) == 0 || std::memcmp(data + 8, "AIFC", 4) == 0))
    return aiff_frames(data, size);
  return std::nullopt;
}

std::string truncation_warning(int64_t declared_frames, int64_t decoded_frames, int rate_hz) {
  if (declared_frames <= 0 || rate_hz <= 0) return "";
  const int64_t missing = declared_frames - decoded_frames;
  if (decoded_frames >= declared_frames * 0.95 || missing <= rate_hz) return "";
  char text[160];
  std::snprintf(text, sizeof(text), "decoded %.2f s of the %.2f s its header declares: the file looks truncated",
                static_cast<double>(decoded_frames) / rate_hz, static_cast<double>(declared_frames) / rate_hz);
  return text;
}

}  // namespace diarize
