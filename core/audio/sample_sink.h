// Where the decoder puts 16 kHz samples, block by block: a vector (tests, tools) or the sealed memfd
// that the child maps (isolation/shared_audio.h), so that the CLI never holds a long file twice.
#pragma once

#include <cstddef>
#include <vector>

namespace diarize {

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  // A hint of the final length (the header's frame count; only an estimate for MP3).
  virtual void reserve(size_t) {}
  virtual void append(const float* samples, size_t count) = 0;
  // Truncates, or pads with zeros, to exactly `count` samples (the resampler's length fix-up).
  virtual void resize(size_t count) = 0;
  virtual size_t size() const = 0;
};

class VectorSink : public SampleSink {
 public:
  explicit VectorSink(std::vector<float>& out) : out_(out) {}
  void reserve(size_t count) override { out_.reserve(count); }
  void append(const float* samples, size_t count) override { out_.insert(out_.end(), samples, samples + count); }
  void resize(size_t count) override { out_.resize(count, 0.0f); }
  size_t size() const override { return out_.size(); }

 private:
  std::vector<float>& out_;
};

}  // namespace diarize
