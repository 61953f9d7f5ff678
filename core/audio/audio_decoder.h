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
  int64_t declared_frames = -1;      // frames the header declares (WAV, AIFF, FLAC, MP3), -1 unknown
  std::string source_format;         // e.g. "WAV float32", "FLAC 16-bit"
  std::string library_messages;      // what libsndfile's decoders printed meanwhile (library_messages.h)
};

struct DecodedAudio : AudioSourceInfo {
  std::vector<float> samples;        // mono, kPipelineSampleRateHz

  double duration_s() const { return static_cast<double>(samples.size()) / kPipelineSampleRateHz; }
};

// Decodes `path` ("-" reads the whole of stdin first), downmixes by averaging channels and
// resamples to 16 kHz, appending the samples to `sink` block by block (nothing else holds the
// whole file). Throws InputError with a one-line reason (without the path) for anything
// unreadable, and for audio longer than max_input_duration_s(). The file is opened here and
// handed to libsndfile as a descriptor, so any path Linux takes works (libsndfile's own open
// stops near 1024 bytes).
AudioSourceInfo decode_audio_into(const std::string& path, SampleSink& sink);

// The same into a vector.
DecodedAudio decode_audio(const std::string& path);

// The same, from an in-memory file image (used for stdin and by the fuzz target).
AudioSourceInfo decode_audio_memory_into(const std::vector<uint8_t>& bytes, SampleSink& sink);
DecodedAudio decode_audio_memory(const std::vector<uint8_t>& bytes);

// The longest input diarize takes: 24 hours of audio, or $DIARIZE_MAX_AUDIO_S seconds when that
// is a positive number (tests lower it). Files and stdin alike; stdin, which is held in memory
// to be decoded, is also refused as soon as it cannot be audio or holds more bytes than that
// much audio could take in its format.
double max_input_duration_s();
constexpr double kDefaultMaxInputDurationS = 24 * 3600.0;

// Sample rates outside this range are refused as absurd.
constexpr int kMinSourceRateHz = 1000;
constexpr int kMaxSourceRateHz = 768000;
constexpr int kMaxSourceChannels = 256;

}  // namespace diarize
