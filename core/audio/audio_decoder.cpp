// libsndfile decoding in blocks, channel downmix and streaming resampling to 16 kHz.
#include "audio/audio_decoder.h"

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>

#include "audio/declared_length.h"
#include "audio/library_messages.h"
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

std::string duration_text(double seconds) {
  if (seconds == kDefaultMaxInputDurationS) return "24 h";
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", seconds);
  return text;
}

InputError too_long(double limit_s) {
  return InputError("longer than " + duration_text(limit_s) + ", the most diarize takes per input");
}

// The frame count to hold the decoded length against: the WAV/AIFF header's own (libsndfile trims
// it to the bytes present), else libsndfile's where it comes from the stream's metadata (FLAC's
// STREAMINFO, an MP3's Xing/Info frame or its size-based estimate); -1 when unknown.
int64_t declared_frames(const SF_INFO& info, const uint8_t* head, size_t head_size) {
  if (const std::optional<int64_t> frames = declared_frames_in_header(head, head_size)) return *frames;
  const int major = info.format & SF_FORMAT_TYPEMASK;
  const bool from_metadata = major == SF_FORMAT_FLAC || major == SF_FORMAT_MPEG;
  return from_metadata && info.frames > 0 && info.frames < (sf_count_t(1) << 62) ? info.frames : -1;
}

AudioSourceInfo decode_open_file(SNDFILE* file, const SF_INFO& info, SampleSink& sink, int64_t declared) {
  if (info.samplerate < kMinSourceRateHz || info.samplerate > kMaxSourceRateHz)
    throw InputError("unsupported sample rate " + std::to_string(info.samplerate) + " Hz (expected " +
                     std::to_string(kMinSourceRateHz) + ".." + std::to_string(kMaxSourceRateHz) + ")");
  if (info.channels < 1 || info.channels > kMaxSourceChannels)
    throw InputError("unsupported channel count " + std::to_string(info.channels));

  AudioSourceInfo audio;
  audio.source_rate_hz = info.samplerate;
  audio.source_channels = info.channels;
  audio.source_format = describe_format(info.format);
  audio.declared_frames = declared;
  const double limit_s = max_input_duration_s();
  const double limit_frames = limit_s * info.samplerate;
  if (declared > limit_frames) throw too_long(limit_s);  // known before decoding a day of it
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
    if (frames_read > limit_frames) throw too_long(limit_s);
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
  // libsndfile's MPEG reader, its last resort for any unrecognised file, reports its failure as
  // "File does not exist or is not a regular file": untrue here (the file was opened and checked
  // before), and misleading.
  constexpr int kMisleadingNotRegular = 7;
  if (sf_error(probe_null_error_source) == kMisleadingNotRegular)
    return "not a readable audio file (no audio format libsndfile knows: damaged, or not audio)";
  const char* message = sf_strerror(probe_null_error_source);
  std::string reason = message ? message : "unknown error";
  // libsndfile's messages are sentences; keep them on one line.
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  while (!reason.empty() && (reason.back() == ' ' || reason.back() == '.')) reason.pop_back();
  return "not a readable audio file (" + reason + ")";
}

}  // namespace

double max_input_duration_s() {
  if (const char* value = std::getenv("DIARIZE_MAX_AUDIO_S"); value && *value) {
    char* end = nullptr;
    const double seconds = std::strtod(value, &end);
    if (end && *end == '\0' && std::isfinite(seconds) && seconds > 0) return seconds;
  }
  return kDefaultMaxInputDurationS;
}

AudioSourceInfo decode_audio_memory_into(const std::vector<uint8_t>& bytes, SampleSink& sink) {
  if (bytes.empty()) throw InputError("empty file (0 bytes)");
  const StderrCapture library_messages;
  MemoryFile memory{&bytes};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!file) throw InputError(open_error_reason(nullptr));
  AudioSourceInfo audio = decode_open_file(file.get(), info, sink, declared_frames(info, bytes.data(), bytes.size()));
  audio.library_messages = library_messages.text();
  return audio;
}

namespace {

// Whether the first bytes of stdin open as audio; on success `info` says its rate and channels.
bool opens_as_audio(const std::vector<uint8_t>& prefix, SF_INFO& info) {
  const StderrCapture library_messages;  // libmpg123 comments on every guess
  MemoryFile memory{&prefix};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  info = SF_INFO{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  return file != nullptr;
}

// stdin cannot be seeked, so it is held in memory to be decoded. Not without bounds: it must
// open as audio within its first 16 MiB (`diarize - < /dev/zero` is refused at once), and then
// may not hold more bytes than max_input_duration_s() of its audio could take (8 bytes a sample
// covers every encoding libsndfile reads, plus room for metadata).
std::vector<uint8_t> read_stdin() {
  static const size_t kProbeAt[] = {size_t(64) << 10, size_t(1) << 20, size_t(16) << 20};
  const double limit_s = max_input_duration_s();
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> block(1 << 20);
  size_t probe = 0;
  bool audio = false;
  double max_bytes = 0;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, block.data(), block.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(std::string("cannot read stdin: ") + std::strerror(errno));
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), block.begin(), block.begin() + n);
    if (!audio && bytes.size() >= kProbeAt[probe]) {
      SF_INFO info{};
      if (opens_as_audio(bytes, info)) {
        audio = true;
        const double channels = std::clamp(info.channels, 1, kMaxSourceChannels);
        const double rate = std::clamp(info.samplerate, kMinSourceRateHz, kMaxSourceRateHz);
        max_bytes = limit_s * rate * channels * 8 + double(16 << 20);
      } else if (++probe == std::size(kProbeAt)) {
        throw InputError(open_error_reason(nullptr));
      }
    }
    if (audio && static_cast<double>(bytes.size()) > max_bytes) throw too_long(limit_s);
  }
  if (bytes.empty()) throw InputError("no data on stdin");
  return bytes;
}

// Closes the descriptor unless libsndfile took it over.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

AudioSourceInfo decode_audio_into(const std::string& path, SampleSink& sink) {
  if (path == "-") return decode_audio_memory_into(read_stdin(), sink);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError("is a directory");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) throw InputError("not a regular file");
  if (S_ISREG(st.st_mode) && st.st_size == 0) throw InputError("empty file (0 bytes)");
  // Opened here, not by libsndfile: its own open refuses paths near 1024 bytes that Linux takes.
  // (A FIFO waits for its writer, as any reader of one does.)
  Descriptor input{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (input.fd < 0) throw InputError(std::strerror(errno));
  // The header's own length, for the truncation warning (regular files: pread does not move).
  std::vector<uint8_t> head(S_ISREG(st.st_mode) ? size_t(64) << 10 : 0);
  const ssize_t head_size = head.empty() ? 0 : ::pread(input.fd, head.data(), head.size(), 0);
  head.resize(head_size > 0 ? static_cast<size_t>(head_size) : 0);
  const StderrCapture library_messages;
  SF_INFO info{};
  SndfilePtr file(sf_open_fd(input.fd, SFM_READ, &info, SF_TRUE));
  if (!file) throw InputError(open_error_reason(nullptr));
  input.fd = -1;  // libsndfile closes it with the file
  AudioSourceInfo audio = decode_open_file(file.get(), info, sink, declared_frames(info, head.data(), head.size()));
  audio.library_messages = library_messages.text();
  return audio;
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
