// memfd-backed audio buffers (see shared_audio.h).
#include "isolation/shared_audio.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace diarize {

namespace {
// A zero-length mapping is invalid; an empty input still gets a valid, distinct pointer.
const float kNoSamples[1] = {0.0f};

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}
}  // namespace

SharedAudioWriter::SharedAudioWriter() {
  fd_ = ::memfd_create("diarize-audio", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd_ < 0) throw system_error("cannot create the audio buffer (memfd_create)");
}

SharedAudioWriter::~SharedAudioWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void SharedAudioWriter::append(const float* samples, size_t count) {
  const size_t bytes = count * sizeof(float);
  const char* data = reinterpret_cast<const char*>(samples);
  size_t written = 0;
  while (written < bytes) {
    const ssize_t n = ::write(fd_, data + written, bytes - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw system_error("cannot fill the audio buffer");
    written += static_cast<size_t>(n);
  }
  count_ += count;
}

void SharedAudioWriter::resize(size_t count) {
  if (::ftruncate(fd_, static_cast<off_t>(count * sizeof(float))) != 0 || ::lseek(fd_, 0, SEEK_END) < 0)
    throw system_error("cannot resize the audio buffer");
  count_ = count;
}

std::unique_ptr<SharedAudio> SharedAudioWriter::finish() {
  // Sealed, the child (which may be crashing) cannot corrupt what the CPU retry will read.
  if (::fcntl(fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    throw system_error("cannot seal the audio buffer");
  auto audio = std::make_unique<SharedAudio>(fd_, count_);
  fd_ = -1;
  count_ = 0;
  return audio;
}

SharedAudio::SharedAudio(const std::vector<float>& samples) : count_(samples.size()) {
  SharedAudioWriter writer;
  writer.append(samples.data(), samples.size());
  std::unique_ptr<SharedAudio> sealed = writer.finish();
  std::swap(fd_, sealed->fd_);
}

SharedAudio::~SharedAudio() {
  if (map_) ::munmap(map_, count_ * sizeof(float));
  if (fd_ >= 0) ::close(fd_);
}

const float* SharedAudio::samples() const {
  if (count_ == 0) return kNoSamples;
  if (!map_) {
    void* p = ::mmap(nullptr, count_ * sizeof(float), PROT_READ, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) throw system_error("cannot map the audio buffer");
    map_ = p;
  }
  return static_cast<const float*>(map_);
}

MappedAudio::MappedAudio(int fd, size_t sample_count) : count_(sample_count) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw system_error("cannot inspect the audio buffer");
  if (sample_count > static_cast<size_t>(st.st_size) / sizeof(float))
    throw std::runtime_error("audio buffer holds " + std::to_string(st.st_size) + " bytes, fewer than " +
                             std::to_string(sample_count) + " samples");
  if (count_ == 0) {
    map_ = const_cast<float*>(kNoSamples);
    return;
  }
  map_ = ::mmap(nullptr, count_ * sizeof(float), PROT_READ, MAP_SHARED, fd, 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw system_error("cannot map the audio buffer");
  }
}

MappedAudio::~MappedAudio() {
  if (map_ && count_ > 0) ::munmap(map_, count_ * sizeof(float));
}

}  // namespace diarize
