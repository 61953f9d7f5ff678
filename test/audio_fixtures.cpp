// Audio fixtures for tests, written with libsndfile.
#include "audio_fixtures.h"

#include <catch2/catch.hpp>
#include <sndfile.h>

namespace diarize::test {

void write_wav(const std::string& path, int rate_hz, int channels, const std::vector<float>& samples, int subformat) {
  write_audio(path, SF_FORMAT_WAV | subformat, rate_hz, channels, samples);
}

void write_audio(const std::string& path, int format, int rate_hz, int channels, const std::vector<float>& samples) {
  SF_INFO info{};
  info.samplerate = rate_hz;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  INFO(path << ": " << sf_strerror(nullptr));
  REQUIRE(f != nullptr);
  const sf_count_t frames = static_cast<sf_count_t>(samples.size()) / channels;
  REQUIRE(sf_writef_float(f, samples.data(), frames) == frames);
  sf_close(f);
}

void write_silence(const std::string& path, int rate_hz, double seconds) {
  write_wav(path, rate_hz, 1, std::vector<float>(static_cast<size_t>(seconds * rate_hz), 0.0f));
}

}  // namespace diarize::test
