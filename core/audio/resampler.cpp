// Streaming sample-rate conversion with libsamplerate's sinc converters.
#include "audio/resampler.h"

#include <samplerate.h>

#include <stdexcept>
#include <string>

namespace diarize {

struct Resampler::State {
  SRC_STATE* src = nullptr;
  std::vector<float> scratch;
};

namespace {
int converter_type(ResampleQuality quality) {
  switch (quality) {
    case ResampleQuality::kBest: return SRC_SINC_BEST_QUALITY;
    case ResampleQuality::kMedium: return SRC_SINC_MEDIUM_QUALITY;
    case ResampleQuality::kFastest: return SRC_SINC_FASTEST;
  }
  return SRC_SINC_MEDIUM_QUALITY;
}
}  // namespace

Resampler::Resampler(int input_rate_hz, int output_rate_hz, ResampleQuality quality)
    : state_(std::make_unique<State>()), ratio_(static_cast<double>(output_rate_hz) / input_rate_hz) {
  if (src_is_valid_ratio(ratio_) == 0)
    throw std::invalid_argument("cannot resample from " + std::to_string(input_rate_hz) + " Hz to " +
                                std::to_string(output_rate_hz) + " Hz");
  int error = 0;
  state_->src = src_new(converter_type(quality), 1, &error);
  if (state_->src == nullptr) throw std::runtime_error(std::string("libsamplerate: ") + src_strerror(error));
}

Resampler::~Resampler() {
  if (state_ && state_->src) src_delete(state_->src);
}

void Resampler::run(const float* samples, size_t count, bool end_of_input, std::vector<float>& out) {
  const size_t capacity = static_cast<size_t>(count * ratio_) + 4096;
  state_->scratch.resize(capacity);
  // libsamplerate ignores an end-of-input call whose data_in is NULL (measured: it then drops the
  // last ~45 output samples at 44.1 kHz), so the flush passes a valid, empty buffer.
  static const float kEmpty = 0.0f;
  SRC_DATA data{};
  data.data_in = samples != nullptr ? samples : &kEmpty;
  data.input_frames = static_cast<long>(count);
  data.src_ratio = ratio_;
  data.end_of_input = end_of_input ? 1 : 0;
  // Keep calling until the input is consumed and, at the end, until the filter is drained.
  for (int guard = 0; guard < 1000000; ++guard) {
    data.data_out = state_->scratch.data();
    data.output_frames = static_cast<long>(capacity);
    const int error = src_process(state_->src, &data);
    if (error != 0) throw std::runtime_error(std::string("libsamplerate: ") + src_strerror(error));
    out.insert(out.end(), state_->scratch.begin(), state_->scratch.begin() + data.output_frames_gen);
    data.data_in += data.input_frames_used;
    data.input_frames -= data.input_frames_used;
    if (data.input_frames == 0 && (!end_of_input || data.output_frames_gen == 0)) return;
  }
}

void Resampler::process(const float* samples, size_t count, std::vector<float>& out) {
  if (count > 0) run(samples, count, false, out);
}

void Resampler::finish(std::vector<float>& out) { run(nullptr, 0, true, out); }

std::vector<float> resample(const std::vector<float>& samples, int input_rate_hz, int output_rate_hz,
                            ResampleQuality quality) {
  if (input_rate_hz == output_rate_hz) return samples;
  Resampler resampler(input_rate_hz, output_rate_hz, quality);
  std::vector<float> out;
  out.reserve(static_cast<size_t>(samples.size() * resampler.ratio()) + 16);
  resampler.process(samples.data(), samples.size(), out);
  resampler.finish(out);
  return out;
}

}  // namespace diarize
