// Audio front-end: every format libsndfile writes here decodes to 16 kHz mono of the right
// duration; resampling keeps a tone's frequency; channels are averaged. Fixtures are written at
// test time with libsndfile itself.
#include <catch2/catch.hpp>

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/declared_length.h"
#include "audio/resampler.h"
#include "errors.h"
#include "audio_fixtures.h"
#include "test_support.h"

using namespace diarize;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Writes `seconds` of a `tone_hz` sine (channel c gets amplitude 0.5/(c+1)) and returns the frame count.
int64_t write_tone(const std::string& path, int format, int rate_hz, int channels, double seconds, double tone_hz) {
  SF_INFO info{};
  info.samplerate = rate_hz;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  INFO(path << ": " << sf_strerror(nullptr));
  REQUIRE(f != nullptr);
  const int64_t frames = static_cast<int64_t>(std::llround(seconds * rate_hz));
  std::vector<float> buffer(static_cast<size_t>(frames * channels));
  for (int64_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      buffer[static_cast<size_t>(i * channels + c)] =
          static_cast<float>(0.5 / (c + 1) * std::sin(2 * kPi * tone_hz * static_cast<double>(i) / rate_hz));
  REQUIRE(sf_writef_float(f, buffer.data(), frames) == frames);
  sf_close(f);
  return frames;
}

// Frequency of the dominant sine, from the zero crossings of the middle part.
double estimate_frequency_hz(const std::vector<float>& x, int rate_hz) {
  const size_t begin = x.size() / 4, end = 3 * x.size() / 4;
  double first = -1, last = -1;
  int crossings = 0;
  for (size_t i = begin + 1; i < end; ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const double t = (i - 1) + x[i - 1] / (x[i - 1] - x[i]);  // linear interpolation
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  return (crossings - 1) / ((last - first) / rate_hz);
}

struct FormatCase {
  const char* name;
  const char* extension;
  int format;
  int rate_hz;
  int channels;
  bool exact;  // PCM-like: duration exact to one sample
};

}  // namespace

TEST_CASE("every supported format decodes to 16 kHz mono of the right duration", "[audio]") {
  const std::string dir = test::make_temp_dir();
  const FormatCase cases[] = {
      {"8 kHz mono WAV int16", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, true},
      {"WAV unsigned 8-bit", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 16000, 1, true},
      {"WAV int24 stereo 44.1 kHz", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 44100, 2, true},
      {"WAV int32 22.05 kHz", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 22050, 1, true},
      {"32-bit float WAV 32 kHz", "wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 32000, 1, true},
      {"64-bit float WAV", "wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 16000, 3, true},
      {"48 kHz FLAC", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 1, true},
      {"OGG Vorbis stereo 44.1 kHz", "ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 2, true},
      {"OGG Opus 48 kHz", "opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, 1, false},
      {"44.1 kHz stereo MP3", "mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, 2, false},
  };
  for (const FormatCase& c : cases) {
    SECTION(c.name) {
      const std::string path = dir + "/tone." + c.extension;
      const double seconds = 3.0;
      const int64_t frames = write_tone(path, c.format, c.rate_hz, c.channels, seconds, 440.0);
      const DecodedAudio audio = decode_audio(path);
      CHECK(audio.source_rate_hz == c.rate_hz);
      CHECK(audio.source_channels == c.channels);
      const double expected = static_cast<double>(frames) * kPipelineSampleRateHz / c.rate_hz;
      if (c.exact) {
        CHECK(std::abs(static_cast<double>(audio.samples.size()) - expected) <= 1.0);
      } else {
        // Encoders add padding (MP3: encoder delay and frame padding; Opus: pre-skip).
        CHECK(std::abs(audio.duration_s() - seconds) <= 0.1);
      }
      CHECK(estimate_frequency_hz(audio.samples, kPipelineSampleRateHz) == Approx(440.0).epsilon(0.01));
    }
  }
}

TEST_CASE("resampling keeps a tone's frequency and the duration to one sample", "[audio]") {
  for (int rate : {8000, 11025, 22050, 44100, 48000, 96000}) {
    std::vector<float> tone(static_cast<size_t>(rate) * 2 + 17);
    for (size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<float>(0.3 * std::sin(2 * kPi * 1000.0 * i / rate));
    const std::vector<float> out = resample(tone, rate, 16000);
    const double expected = static_cast<double>(tone.size()) * 16000 / rate;
    INFO("from " << rate << " Hz: " << out.size() << " samples, expected " << expected);
    CHECK(std::abs(static_cast<double>(out.size()) - expected) <= 1.5);
    CHECK(estimate_frequency_hz(out, 16000) == Approx(1000.0).epsilon(0.001));
  }
}

TEST_CASE("channels are averaged into mono", "[audio]") {
  const std::string path = test::make_temp_dir() + "/stereo.wav";
  test::write_wav(path, 16000, 2, {0.5f, -0.5f, 0.5f, 0.0f, 0.25f, 0.75f}, SF_FORMAT_FLOAT);
  const DecodedAudio audio = decode_audio(path);
  REQUIRE(audio.samples.size() == 3);
  CHECK(audio.samples[0] == 0.0f);
  CHECK(audio.samples[1] == 0.25f);
  CHECK(audio.samples[2] == 0.5f);
}

TEST_CASE("in-memory decoding (stdin path) equals file decoding", "[audio]") {
  const std::string path = test::make_temp_dir() + "/tone.flac";
  write_tone(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100, 2, 1.0, 300.0);
  const std::string bytes = test::read_text_file(path);
  const DecodedAudio from_memory = decode_audio_memory(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  const DecodedAudio from_file = decode_audio(path);
  CHECK(from_memory.samples == from_file.samples);
}

TEST_CASE("unreadable audio gives one-line InputErrors", "[audio]") {
  const std::string dir = test::make_temp_dir();
  auto reason = [](const std::string& path) {
    try {
      decode_audio(path);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(reason(dir + "/missing.wav") == "No such file or directory");
  CHECK(reason(dir) == "is a directory");
  std::ofstream(dir + "/empty.wav").close();
  CHECK(reason(dir + "/empty.wav") == "empty file (0 bytes)");
  std::ofstream(dir + "/junk.wav") << "this is certainly not a RIFF file, just some text bytes";
  CHECK_THAT(reason(dir + "/junk.wav"), Catch::StartsWith("not a readable audio file ("));
  CHECK(reason(dir + "/junk.wav").find('\n') == std::string::npos);
}

TEST_CASE("The header's own length: WAV and AIFF, unknown lengths left unknown", "[audio][truncation]") {
  const std::string dir = test::make_temp_dir();
  write_tone(dir + "/a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 2, 1.5, 440);
  write_tone(dir + "/a.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 8000, 1, 2.0, 440);
  write_tone(dir + "/a.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 8000, 1, 2.0, 440);
  const auto header = [&](const std::string& name) {
    const std::string bytes = test::read_text_file(dir + "/" + name);
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  };
  std::vector<uint8_t> wav = header("a.wav");
  CHECK(declared_frames_in_header(wav.data(), wav.size()) == 12000);
  CHECK(declared_frames_in_header(wav.data(), 40) == std::nullopt);  // the data chunk is not in these bytes
  const std::vector<uint8_t> aiff = header("a.aiff");
  CHECK(declared_frames_in_header(aiff.data(), aiff.size()) == 16000);
  const std::vector<uint8_t> flac = header("a.flac");
  CHECK(declared_frames_in_header(flac.data(), flac.size()) == std::nullopt);  // libsndfile's count is used there
  for (int i = 40; i < 44; ++i) wav[static_cast<size_t>(i)] = 0xff;  // a stream writer's "unknown"
  CHECK(declared_frames_in_header(wav.data(), wav.size()) == std::nullopt);
  // Decoding a WAV cut short keeps the declared length for the caller to compare.
  const std::string bytes = test::read_text_file(dir + "/a.wav");
  std::ofstream(dir + "/cut.wav", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  const DecodedAudio cut = decode_audio(dir + "/cut.wav");
  CHECK(cut.declared_frames == 12000);
  CHECK(cut.source_frames < 4100);
}

TEST_CASE("Truncation warns only below 95 % and more than a second short", "[audio][truncation]") {
  CHECK(truncation_warning(480000, 478, 16000) ==
        "decoded 0.03 s of the 30.00 s its header declares: the file looks truncated");
  CHECK(truncation_warning(480000, 480000, 16000).empty());
  CHECK(truncation_warning(480000, 457000, 16000).empty());  // 95.2 %
  CHECK(truncation_warning(16000, 1000, 16000).empty());     // under a second short
  CHECK_FALSE(truncation_warning(16001 * 2, 1000, 16000).empty());
  CHECK(truncation_warning(-1, 1000, 16000).empty());       // unknown length
}
