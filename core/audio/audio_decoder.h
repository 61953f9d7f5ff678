// Decodes any audio file libsndfile reads into 16 kHz mono float samples in [-1, 1].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audio/sample_sink.h"

namespace diarize {

constexpr int kPipelineSampleRateHz = 16000;

// What the decoder found in the file.
struct AudioSourceInfo {
  int source_rate_hz = 0;
  int source_channels = 0;
  int64_t source_frames = 0;         // frames actually read (not the header's estimate)
  std::string source_format;         // e.g. "WAV float32", "FLAC 16-bit"
};

struct DecodedAudio : AudioSourceInfo {
  std::vector<float> samples;        // mono, kPipelineSampleRateHz

  double duration_s() const { return static_cast<double>(samples.size()) / kPipelineSampleRateHz; }
};

// Decodes `path` ("-" reads the whole of stdin first), downmixes by averaging channels and
// resamples to 16 kHz, appending the samples to `sink` block by block (nothing else holds the
// whole file). Throws InputError with a one-line reason (without the path) for anything unreadable.
AudioSourceInfo decode_audio_into(const std::string& path, SampleSink& sink);

// The same into a vector.
DecodedAudio decode_audio(const std::string& path);

// The same, from an in-memory file image (used for stdin and by the fuzz target).
AudioSourceInfo decode_audio_memory_into(const std::vector<uint8_t>& bytes, SampleSink& sink);
DecodedAudio decode_audio_memory(const std::vector<uint8_t>& bytes);

// Sample rates outside this range are refused as absurd.
constexpr int kMinSourceRateHz = 1000;
constexpr int kMaxSourceRateHz = 768000;
constexpr int kMaxSourceChannels = 256;

}  // namespace diarize
