// libsndfile decoding in blocks, channel downmix and streaming resampling to 16 kHz.
#include "audio/audio_decoder.h"

#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "audio/resampler.h"
#include "errors.h"

namespace diarize {

namespace {

constexpr sf_count_t kBlockSamples = 1 << 16;  // interleaved samples per read

// In-memory file for libsndfile's virtual I/O (stdin cannot be seeked).
struct MemoryFile {
  const std::vector<uint8_t>* bytes;
  sf_count_t position = 0;
};

sf_count_t mem_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes->size()); }
sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = f->position;
  if (whence == SEEK_END) base = static_cast<sf_count_t>(f->bytes->size());
  const sf_count_t target = base + offset;
  if (target < 0) return -1;
  f->position = std::min<sf_count_t>(target, static_cast<sf_count_t>(f->bytes->size()));
  return f->position;
}
sf_count_t mem_read(void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t available = static_cast<sf_count_t>(f->bytes->size()) - f->position;
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, available));
  if (n > 0) std::memcpy(ptr, f->bytes->data() + f->position, static_cast<size_t>(n));
  f->position += n;
  return n;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->position; }

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

std::string describe_format(int format) {
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  std::string container = sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name ? info.name : "audio";
  SF_FORMAT_INFO sub{};
  sub.format = format & SF_FORMAT_SUBMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &sub, sizeof(sub)) == 0 && sub.name) container += std::string(", ") + sub.name;
  return container;
}

AudioSourceInfo decode_open_file(SNDFILE* file, const SF_INFO& info, SampleSink& sink) {
  if (info.samplerate < kMinSourceRateHz || info.samplerate > kMaxSourceRateHz)
    throw InputError("unsupported sample rate " + std::to_string(info.samplerate) + " Hz (expected " +
                     std::to_string(kMinSourceRateHz) + ".." + std::to_string(kMaxSourceRateHz) + ")");
  if (info.channels < 1 || info.channels > kMaxSourceChannels)
    throw InputError("unsupported channel count " + std::to_string(info.channels));

  AudioSourceInfo audio;
  audio.source_rate_hz = info.samplerate;
  audio.source_channels = info.channels;
  audio.source_format = describe_format(info.format);
  // Float files may hold values outside [-1, 1]; keep them as they are (no clipping).
  sf_command(file, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
  sf_command(file, SFC_SET_SCALE_FLOAT_INT_READ, nullptr, SF_FALSE);

  const bool resampling = info.samplerate != kPipelineSampleRateHz;
  std::unique_ptr<Resampler> resampler;
  if (resampling) resampler = std::make_unique<Resampler>(info.samplerate, kPipelineSampleRateHz);
  // The header's frame count is only an estimate for MP3, and may lie: reserve modestly, read to EOF.
  const double ratio = static_cast<double>(kPipelineSampleRateHz) / info.samplerate;
  const sf_count_t estimate = std::clamp<sf_count_t>(info.frames, 0, sf_count_t(4) * 3600 * info.samplerate);
  sink.reserve(static_cast<size_t>(static_cast<double>(estimate) * ratio) + 1024);

  const sf_count_t block_frames = std::max<sf_count_t>(1, kBlockSamples / info.channels);
  std::vector<float> interleaved(static_cast<size_t>(block_frames * info.channels));
  std::vector<float> mono(static_cast<size_t>(block_frames));
  std::vector<float> resampled;
  const float inv_channels = 1.0f / static_cast<float>(info.channels);
  int64_t frames_read = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(file, interleaved.data(), block_frames);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0.0f;
      const float* frame = interleaved.data() + i * info.channels;
      for (int c = 0; c < info.channels; ++c) sum += frame[c];
      float value = sum * inv_channels;
      mono[static_cast<size_t>(i)] = std::isfinite(value) ? value : 0.0f;  // NaN/Inf in float files
    }
    frames_read += got;
    if (resampling) {
      resampled.clear();
      resampler->process(mono.data(), static_cast<size_t>(got), resampled);
      sink.append(resampled.data(), resampled.size());
    } else {
      sink.append(mono.data(), static_cast<size_t>(got));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR && frames_read == 0)
    throw InputError(std::string("cannot decode audio: ") + sf_strerror(file));
  audio.source_frames = frames_read;
  if (resampling) {
    resampled.clear();
    resampler->finish(resampled);
    sink.append(resampled.data(), resampled.size());
    // libsamplerate's output length can differ from the ideal by a sample or two: make it exact.
    sink.resize(static_cast<size_t>(std::llround(static_cast<double>(frames_read) * ratio)));
  }
  return audio;
}

std::string open_error_reason(SNDFILE* probe_null_error_source) {
  const char* message = sf_strerror(probe_null_error_source);
  std::string reason = message ? message : "unknown error";
  // libsndfile's messages are sentences; keep them on one line.
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  while (!reason.empty() && (reason.back() == ' ' || reason.back() == '.')) reason.pop_back();
  return "not a readable audio file (" + reason + ")";
}

}  // namespace

AudioSourceInfo decode_audio_memory_into(const std::vector<uint8_t>& bytes, SampleSink& sink) {
  if (bytes.empty()) throw InputError("empty file (0 bytes)");
  MemoryFile memory{&bytes};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!file) throw InputError(open_error_reason(nullptr));
  return decode_open_file(file.get(), info, sink);
}

AudioSourceInfo decode_audio_into(const std::string& path, SampleSink& sink) {
  if (path == "-") {
    std::vector<uint8_t> bytes;
    std::vector<uint8_t> block(1 << 20);
    for (;;) {
      const ssize_t n = ::read(STDIN_FILENO, block.data(), block.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw InputError(std::string("cannot read stdin: ") + std::strerror(errno));
      }
      if (n == 0) break;
      bytes.insert(bytes.end(), block.begin(), block.begin() + n);
    }
    if (bytes.empty()) throw InputError("no data on stdin");
    return decode_audio_memory_into(bytes, sink);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError("is a directory");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) throw InputError("not a regular file");
  if (::access(path.c_str(), R_OK) != 0) throw InputError(std::strerror(errno));
  if (S_ISREG(st.st_mode) && st.st_size == 0) throw InputError("empty file (0 bytes)");
  SF_INFO info{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) throw InputError(open_error_reason(nullptr));
  return decode_open_file(file.get(), info, sink);
}

namespace {

template <typename Decode>
DecodedAudio decode_to_vector(Decode decode) {
  DecodedAudio audio;
  VectorSink sink(audio.samples);
  static_cast<AudioSourceInfo&>(audio) = decode(sink);
  audio.samples.shrink_to_fit();
  return audio;
}

}  // namespace

DecodedAudio decode_audio_memory(const std::vector<uint8_t>& bytes) {
  return decode_to_vector([&](SampleSink& sink) { return decode_audio_memory_into(bytes, sink); });
}

DecodedAudio decode_audio(const std::string& path) {
  return decode_to_vector([&](SampleSink& sink) { return decode_audio_into(path, sink); });
}

}  // namespace diarize
