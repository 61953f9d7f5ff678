// Measures what isolation costs (numbers quoted in docs/protocol.md): moving 1 h of 16 kHz float
// audio to a child through a sealed memfd versus a 1 MiB pipe, and starting a `diarize --child`
// up to READY. Not a test: run it by hand.
//   cmake --build build --target bench_isolation && build/bin/bench_isolation [ENGINE_MODULE]
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/engine_loader.h"
#include "isolation/child_process.h"
#include "isolation/child_protocol.h"
#include "isolation/shared_audio.h"

using namespace diarize;

namespace {

constexpr size_t kHourSamples = 16000u * 3600u;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Reader modes (this executable, spawned as its own child): sum every sample so each page is
// really read, and report the sum back as a PROGRESS frame.
int memfd_reader() {
  FrameReader reader(kChildControlFd);
  Frame frame;
  if (reader.next(frame, std::nullopt) != FrameReader::Status::kFrame) return 1;
  const JobMessage job = decode_job(frame.payload);
  const MappedAudio audio(frame.fd, job.sample_count);
  double sum = 0;
  for (size_t i = 0; i < audio.sample_count(); ++i) sum += audio.samples()[i];
  send_frame(kChildControlFd, MessageType::kProgress, encode(ProgressMessage{job.job_id, {"sum", static_cast<int64_t>(sum), 0}}));
  return 0;
}

int pipe_reader() {
  std::vector<float> samples(kHourSamples);
  char* p = reinterpret_cast<char*>(samples.data());
  size_t got = 0;
  const size_t want = samples.size() * sizeof(float);
  while (got < want) {
    const ssize_t n = ::read(kChildControlFd, p + got, want - got);
    if (n <= 0) return 1;
    got += static_cast<size_t>(n);
  }
  double sum = 0;
  for (float x : samples) sum += x;
  const int64_t s = static_cast<int64_t>(sum);
  return ::write(kChildControlFd, &s, sizeof(s)) == sizeof(s) ? 0 : 1;
}

std::vector<float> hour_of_audio() {
  std::vector<float> samples(kHourSamples);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<float>((i * 2654435761u) % 1000) / 1000.0f;
  return samples;
}

double bench_memfd(const std::vector<float>& samples, double& fill_s) {
  ChildProcess child("/proc/self/exe", {"--memfd-reader"});
  const auto start = Clock::now();
  const SharedAudio audio(samples);
  fill_s = seconds_since(start);
  JobMessage job;
  job.job_id = 1;
  job.sample_count = samples.size();
  send_frame(child.control_fd(), MessageType::kJob, encode(job), audio.fd());
  FrameReader reader(child.control_fd());
  Frame frame;
  if (reader.next(frame, std::nullopt) != FrameReader::Status::kFrame) throw std::runtime_error("memfd reader failed");
  const double took = seconds_since(start);
  child.finish(5, 1);
  return took;
}

double bench_pipe(const std::vector<float>& samples) {
  // The control socket stands in for the pipe's write end; the reader uses it the same way, but
  // the buffer is enlarged like a 1 MiB pipe's would be.
  ChildProcess child("/proc/self/exe", {"--pipe-reader"});
  const int size = 1 << 20;
  ::setsockopt(child.control_fd(), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  const auto start = Clock::now();
  const char* p = reinterpret_cast<const char*>(samples.data());
  size_t sent = 0;
  const size_t total = samples.size() * sizeof(float);
  while (sent < total) {
    const ssize_t n = ::write(child.control_fd(), p + sent, total - sent);
    if (n <= 0) throw std::runtime_error("pipe write failed");
    sent += static_cast<size_t>(n);
  }
  int64_t sum = 0;
  if (::read(child.control_fd(), &sum, sizeof(sum)) != sizeof(sum)) throw std::runtime_error("pipe reader failed");
  const double took = seconds_since(start);
  child.finish(5, 1);
  return took;
}

double bench_real_pipe(const std::vector<float>& samples) {
  // A true pipe with F_SETPIPE_SZ = 1 MiB; the reader gets its read end as fd 3.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  const auto start = Clock::now();
  // fork is fine here: this benchmark is single-threaded, unlike diarize itself.
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[1]);
    std::vector<float> in(kHourSamples);
    char* q = reinterpret_cast<char*>(in.data());
    size_t got = 0;
    while (got < in.size() * sizeof(float)) {
      const ssize_t n = ::read(fds[0], q + got, in.size() * sizeof(float) - got);
      if (n <= 0) ::_exit(1);
      got += static_cast<size_t>(n);
    }
    double sum = 0;
    for (float x : in) sum += x;
    ::_exit(sum > 0 ? 0 : 2);
  }
  ::close(fds[0]);
  const char* p = reinterpret_cast<const char*>(samples.data());
  size_t sent = 0;
  while (sent < samples.size() * sizeof(float)) {
    const ssize_t n = ::write(fds[1], p + sent, samples.size() * sizeof(float) - sent);
    if (n <= 0) throw std::runtime_error("pipe write failed");
    sent += static_cast<size_t>(n);
  }
  ::close(fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return seconds_since(start);
}

double bench_child_start(const std::string& diarize) {
  const auto start = Clock::now();
  ChildProcess child(diarize, {"--child", std::to_string(::getpid())});
  InitMessage init;
  send_frame(child.control_fd(), MessageType::kInit, encode(init));
  FrameReader reader(child.control_fd());
  Frame frame;
  if (reader.next(frame, std::nullopt) != FrameReader::Status::kFrame || frame.type != MessageType::kReady)
    throw std::runtime_error("the child did not get READY: " + frame.payload);
  const double took = seconds_since(start);
  ::shutdown(child.control_fd(), SHUT_WR);
  child.finish(5, 1);
  return took;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--memfd-reader") == 0) return memfd_reader();
  if (argc >= 2 && std::strcmp(argv[1], "--pipe-reader") == 0) return pipe_reader();
  if (argc >= 2) ::setenv("DIARIZE_ENGINE_MODULE", argv[1], 1);

  const std::vector<float> samples = hour_of_audio();
  // Every variant includes the reader summing all samples; this is that cost alone.
  const auto sum_start = Clock::now();
  double sum = 0;
  for (float x : samples) sum += x;
  std::printf("summing 1 h in one process (reader cost included below): %.3f s (%g)\n", seconds_since(sum_start), sum);
  for (int run = 0; run < 5; ++run) {
    double fill_s = 0;
    const double memfd_s = bench_memfd(samples, fill_s);
    std::printf("1 h of audio (%zu MiB): memfd+mmap %.3f s (filling the memfd %.3f s), socket %.3f s, 1 MiB pipe %.3f s\n",
                samples.size() * sizeof(float) >> 20, memfd_s, fill_s, bench_pipe(samples), bench_real_pipe(samples));
  }
  const std::string exe = current_executable_path();
  const std::string diarize = exe.substr(0, exe.find_last_of('/')) + "/diarize";
  std::printf("engine module: %s\n", find_engine_module().c_str());
  for (int run = 0; run < 5; ++run) std::printf("diarize --child start to READY: %.4f s\n", bench_child_start(diarize));
  return 0;
}
