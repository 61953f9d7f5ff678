// Decoded audio held in a sealed memfd: the parent fills it once, hands the fd to a child (which
// maps it read-only, no second copy) and can hand it again to a fresh child for the CPU retry.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "audio/sample_sink.h"

namespace diarize {

class SharedAudio {
 public:
  // Copies `samples` into a new memfd and seals it against writes and resizing.
  // Throws std::runtime_error when the kernel refuses (no memfd, no memory).
  explicit SharedAudio(const std::vector<float>& samples);
  // Takes over a memfd that a SharedAudioWriter filled and sealed.
  SharedAudio(int sealed_fd, size_t sample_count) : fd_(sealed_fd), count_(sample_count) {}
  ~SharedAudio();
  SharedAudio(const SharedAudio&) = delete;
  SharedAudio& operator=(const SharedAudio&) = delete;

  int fd() const { return fd_; }
  size_t sample_count() const { return count_; }
  // A read-only view of the samples (mapped on first use; for the in-process mode).
  const float* samples() const;

 private:
  int fd_ = -1;
  size_t count_ = 0;
  mutable void* map_ = nullptr;
};

// Fills a new memfd block by block, as the decoder's sink (audio/sample_sink.h), so that a long
// file is never held in the parent's memory besides the memfd. Throws std::runtime_error when the
// kernel refuses (no memfd, no memory).
class SharedAudioWriter : public SampleSink {
 public:
  SharedAudioWriter();
  ~SharedAudioWriter() override;
  SharedAudioWriter(const SharedAudioWriter&) = delete;
  SharedAudioWriter& operator=(const SharedAudioWriter&) = delete;

  void append(const float* samples, size_t count) override;
  void resize(size_t count) override;
  size_t size() const override { return count_; }
  // Seals the memfd against writes and resizing and hands it over; the writer is empty afterwards.
  std::unique_ptr<SharedAudio> finish();

 private:
  int fd_ = -1;
  size_t count_ = 0;
};

// The child's side: maps `sample_count` floats of a received fd read-only. Validates that the
// file really holds that many samples. Throws std::runtime_error otherwise.
class MappedAudio {
 public:
  MappedAudio(int fd, size_t sample_count);
  ~MappedAudio();
  MappedAudio(const MappedAudio&) = delete;
  MappedAudio& operator=(const MappedAudio&) = delete;

  const float* samples() const { return static_cast<const float*>(map_); }
  size_t sample_count() const { return count_; }

 private:
  void* map_ = nullptr;
  size_t count_ = 0;
};

}  // namespace diarize
