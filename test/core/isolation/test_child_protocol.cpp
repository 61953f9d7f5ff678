// The parent<->child protocol: message round trips at full precision, framing over a real
// socket (with the audio memfd), and every kind of malformed input being a ProtocolError.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

#include "isolation/child_protocol.h"
#include "isolation/child_process.h"
#include "isolation/device_choice.h"
#include "isolation/error_kind.h"
#include "isolation/shared_audio.h"
#include "errors.h"

using namespace diarize;

namespace {

struct SocketPair {
  int a = -1, b = -1;
  SocketPair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    a = fds[0];
    b = fds[1];
  }
  ~SocketPair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
  void close_a() {
    ::close(a);
    a = -1;
  }
};

void write_raw(int fd, const std::string& bytes) { REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())); }

FrameReader::Status read_one(int fd, Frame& frame, double timeout_s = 2.0) {
  FrameReader reader(fd);
  return reader.next(frame, Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s)));
}

}  // namespace

TEST_CASE("RESULT keeps times and centroids bit-exact", "[isolation][protocol]") {
  ResultMessage m;
  m.job_id = 42;
  m.result.diarization.labels = {"SPEAKER_00", "SPEAKER_01"};
  // Values that a decimal printer with few digits would change: the parent must print exactly
  // what the in-process mode prints, so no tolerance here.
  m.result.diarization.turns = {{0.1 + 0.2, 1.0 / 3.0, 1}, {12345.678901234567, 12346.0000000001, 0}};
  m.result.diarization.exclusive_turns = {{0.1 + 0.2, 0.30000000000000004 + 1e-16, 1}};
  m.result.diarization.centroids = {{0.1f, -1e-30f, 3.4e38f}, {1.0f / 3.0f, 0.0f, -0.0f}};
  m.result.embedding = "builtin";
  m.result.timings_s["segmentation"] = 0.123456789;
  const ResultMessage back = decode_result(encode(m));
  CHECK(back.job_id == 42);
  REQUIRE(back.result.diarization.turns.size() == 2);
  CHECK(back.result.diarization.turns[0].start_s == 0.1 + 0.2);
  CHECK(back.result.diarization.turns[0].end_s == 1.0 / 3.0);
  CHECK(back.result.diarization.turns[0].speaker == 1);
  CHECK(back.result.diarization.turns[1].start_s == 12345.678901234567);
  REQUIRE(back.result.diarization.exclusive_turns.size() == 1);
  CHECK(back.result.diarization.exclusive_turns[0].end_s == m.result.diarization.exclusive_turns[0].end_s);
  CHECK(back.result.diarization.exclusive_turns[0].speaker == 1);
  CHECK(back.result.diarization.centroids == m.result.diarization.centroids);
  CHECK(back.result.diarization.labels == m.result.diarization.labels);
  CHECK(back.result.timings_s == m.result.timings_s);
  CHECK(back.result.embedding == "builtin");
}

TEST_CASE("Other messages round-trip", "[isolation][protocol]") {
  JobMessage job;
  job.job_id = 7;
  job.options.num_speakers = 3;
  job.options.return_centroids = true;
  job.fault = FaultKind::kGarbage;
  job.sample_count = 123456789012ULL;
  const JobMessage j = decode_job(encode(job));
  CHECK(j.job_id == 7);
  CHECK(j.options.num_speakers == 3);
  CHECK(j.options.return_centroids);
  CHECK(j.fault == FaultKind::kGarbage);
  CHECK(j.sample_count == 123456789012ULL);

  InitMessage init;
  init.config.segmentation_path = "/m/seg.safetensors";
  init.config.builtin_parameters_path = "/p/share/diarize/builtin/builtin_plda.safetensors";
  init.config.device = "auto";
  init.config.threads = 4;
  init.config.batch_size = 8;
  init.config.mode = NetworkMode::kFast;
  init.config.pipeline = PipelineKind::kCommunity1;
  init.config.plda_transform_path = "/m/plda/xvec_transform.npz";
  init.config.plda_path = "/m/plda/plda.npz";
  const InitMessage i = decode_init(encode(init));
  CHECK(i.config.pipeline == PipelineKind::kCommunity1);
  CHECK(i.config.plda_transform_path == "/m/plda/xvec_transform.npz");
  CHECK(i.config.plda_path == "/m/plda/plda.npz");
  CHECK(i.config.segmentation_path == "/m/seg.safetensors");
  CHECK(i.config.embedding_path.empty());
  CHECK(i.config.builtin_parameters_path == "/p/share/diarize/builtin/builtin_plda.safetensors");
  CHECK(i.config.device == "auto");
  CHECK(i.config.threads == 4);
  CHECK(i.config.batch_size == 8);
  CHECK(i.config.mode == NetworkMode::kFast);
  init.config.mode = NetworkMode::kExact;
  CHECK(decode_init(encode(init)).config.mode == NetworkMode::kExact);

  CHECK(decode_ready(encode(ReadyMessage{"cuda", "cuda,cpu"})).available_devices == "cuda,cpu");
  const DevicesMessage d = decode_devices(encode(DevicesMessage{"cuda,cpu", "cuda"}));
  CHECK((d.available_devices == "cuda,cpu" && d.device == "cuda"));
  CHECK(decode_devices(encode(DevicesMessage{"cpu", ""})).device.empty());  // the requested one is absent
  CHECK_THROWS_AS(decode_devices(R"({"device":"cpu"})"), ProtocolError);
  const ProgressMessage p = decode_progress(encode(ProgressMessage{9, {"embeddings", 3, 40}}));
  CHECK((p.job_id == 9 && p.event.stage == "embeddings" && p.event.done == 3 && p.event.total == 40));
  const ErrorMessage e = decode_error(encode(ErrorMessage{5, ErrorKind::kAccelerator, "accelerator: boom"}));
  CHECK((e.job_id == 5 && e.kind == ErrorKind::kAccelerator && e.message == "accelerator: boom"));
}

TEST_CASE("Malformed payloads are protocol errors", "[isolation][protocol]") {
  CHECK_THROWS_AS(decode_result("not json"), ProtocolError);
  CHECK_THROWS_AS(decode_result("[]"), ProtocolError);
  CHECK_THROWS_AS(decode_result(R"({"job_id":1})"), ProtocolError);
  // A turn naming a speaker that is not listed would index out of bounds in the formatters.
  const auto result = [](const std::string& turns, const std::string& exclusive_turns) {
    return R"({"job_id":1,"labels":["A"],"turns":)" + turns + R"(,"exclusive_turns":)" + exclusive_turns +
           R"(,"centroids":[],"embedding":"","timings_s":{}})";
  };
  CHECK_THROWS_AS(decode_result(result("[[0,1,1]]", "[]")), ProtocolError);
  CHECK_THROWS_AS(decode_result(result("[[0,1]]", "[]")), ProtocolError);
  CHECK_THROWS_AS(decode_result(result("[[0,1,0]]", "[[0,1,1]]")), ProtocolError);
  CHECK_THROWS_AS(decode_result(result("[[0,1,0]]", "{}")), ProtocolError);
  // A child of protocol 1 sends no exclusive turns.
  CHECK_THROWS_AS(decode_result(
                      R"({"job_id":1,"labels":["A"],"turns":[[0,1,0]],"centroids":[],"embedding":"","timings_s":{}})"),
                  ProtocolError);
  CHECK_NOTHROW(decode_result(result("[[0,1,0]]", "[[0,1,0]]")));
  CHECK_THROWS_AS(decode_error(R"({"job_id":1,"kind":"cosmic","message":"x"})"), ProtocolError);
  CHECK_THROWS_AS(decode_job(R"({"job_id":1,"options":{},"fault":"none","sample_count":1})"), ProtocolError);
  CHECK_THROWS_AS(decode_job(R"({"job_id":-1,"options":{"num_speakers":0,"min_speakers":0,"max_speakers":0,"return_centroids":false},"fault":"none","sample_count":1})"),
                  ProtocolError);
  CHECK_THROWS_AS(decode_ready(R"({"device":"","available_devices":"cpu"})"), ProtocolError);
  const std::string init =
      R"({"segmentation_path":"s","embedding_path":"","builtin_parameters_path":"","device":"cpu","threads":0,"batch_size":1)";
  const std::string pipeline = R"(,"pipeline":"3.1","plda_transform_path":"","plda_path":"")";
  CHECK_NOTHROW(decode_init(init + R"(,"mode":"fast")" + pipeline + "}"));
  CHECK_THROWS_AS(decode_init(init + R"(,"mode":"fastest")" + pipeline + "}"), ProtocolError);
  CHECK_THROWS_AS(decode_init(init + pipeline + "}"), ProtocolError);  // an older parent that does not send it
  CHECK_THROWS_AS(decode_init(init + R"(,"mode":"fast"})"), ProtocolError);  // nor the pipeline
  CHECK_THROWS_AS(decode_init(init + R"(,"mode":"fast","pipeline":"4.0","plda_transform_path":"","plda_path":""})"),
                  ProtocolError);
  CHECK_THROWS_AS(decode_init(R"({"segmentation_path":"s","embedding_path":"","device":"cpu","threads":0,"batch_size":1,"mode":"exact")" +
                              pipeline + "}"),
                  ProtocolError);  // nor a parent of protocol 3 (no builtin_parameters_path)
}

TEST_CASE("Frames cross a socket, with the audio memfd riding on JOB", "[isolation][protocol]") {
  SocketPair s;
  std::vector<float> samples(48000);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<float>(std::sin(0.01 * static_cast<double>(i)));
  const SharedAudio audio(samples);
  JobMessage job;
  job.job_id = 3;
  job.sample_count = samples.size();
  send_frame(s.a, MessageType::kProgress, encode(ProgressMessage{3, {"x", 1, 2}}));
  send_frame(s.a, MessageType::kJob, encode(job), audio.fd());
  s.close_a();

  FrameReader reader(s.b);
  Frame frame;
  REQUIRE(reader.next(frame, std::nullopt) == FrameReader::Status::kFrame);
  CHECK(frame.type == MessageType::kProgress);
  CHECK(frame.fd == -1);
  REQUIRE(reader.next(frame, std::nullopt) == FrameReader::Status::kFrame);
  REQUIRE(frame.type == MessageType::kJob);
  REQUIRE(frame.fd >= 0);
  {
    const MappedAudio mapped(frame.fd, decode_job(frame.payload).sample_count);
    REQUIRE(mapped.sample_count() == samples.size());
    CHECK(std::equal(samples.begin(), samples.end(), mapped.samples()));
    // Claiming more samples than the buffer holds is refused, not read out of bounds.
    CHECK_THROWS(MappedAudio(frame.fd, samples.size() + 1));
  }
  // Sealed: whoever receives it cannot change what the CPU retry will read.
  CHECK(::write(frame.fd, "x", 1) < 0);
  ::close(frame.fd);
  CHECK(reader.next(frame, std::nullopt) == FrameReader::Status::kEndOfStream);
}

TEST_CASE("The decoder's memfd sink holds blocks, fixes the length and seals", "[isolation][protocol]") {
  SharedAudioWriter writer;
  const std::vector<float> first = {0.5f, -0.25f, 1.0f}, second = {2.0f, -3.0f};
  writer.append(first.data(), first.size());
  writer.append(second.data(), second.size());
  CHECK(writer.size() == 5);
  writer.resize(7);  // the resampler's length fix-up pads with zeros...
  const float third = 9.0f;
  writer.append(&third, 1);  // ...and later blocks go after it
  writer.resize(6);          // or truncates
  const std::unique_ptr<SharedAudio> audio = writer.finish();
  REQUIRE(audio->sample_count() == 6);
  const std::vector<float> expected = {0.5f, -0.25f, 1.0f, 2.0f, -3.0f, 0.0f};
  CHECK(std::equal(expected.begin(), expected.end(), audio->samples()));
  CHECK(::write(audio->fd(), "x", 1) < 0);  // sealed
  CHECK(::ftruncate(audio->fd(), 0) != 0);
}

TEST_CASE("Framing breaches are caught", "[isolation][protocol]") {
  Frame frame;
  SECTION("garbage is caught by the magic, without waiting for a whole header") {
    SocketPair s;
    write_raw(s.a, "oops");
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("magic"));
  }
  SECTION("another version") {
    SocketPair s;
    std::string header = frame_header(MessageType::kReady, 2);
    header[4] = 9;
    write_raw(s.a, header + "{}");
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("version"));
  }
  SECTION("unknown type") {
    SocketPair s;
    write_raw(s.a, frame_header(static_cast<MessageType>(77), 0));
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("type"));
  }
  SECTION("absurd length") {
    SocketPair s;
    write_raw(s.a, frame_header(MessageType::kResult, 0xffffffffu));
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("length"));
  }
  SECTION("stream ends inside a frame") {
    SocketPair s;
    write_raw(s.a, frame_header(MessageType::kResult, 100) + "{\"job");
    s.close_a();
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("inside a frame"));
  }
  SECTION("JOB without its descriptor") {
    SocketPair s;
    send_frame(s.a, MessageType::kJob, "{}");
    CHECK_THROWS_WITH(read_one(s.b, frame), Catch::Contains("descriptor"));
  }
}

TEST_CASE("A read honours its deadline", "[isolation][protocol]") {
  SocketPair s;
  Frame frame;
  const auto start = Clock::now();
  CHECK(read_one(s.b, frame, 0.1) == FrameReader::Status::kTimedOut);
  const double waited_s = std::chrono::duration<double>(Clock::now() - start).count();
  // Lower bound exact (poll never returns early for us), upper bound generous for a loaded machine.
  CHECK(waited_s >= 0.1);
  CHECK(waited_s < 1.0);
}

TEST_CASE("Children are spawned with only their control socket and always reaped", "[isolation][process]") {
  // A descriptor the parent forgot to mark close-on-exec must not leak into the child.
  const int leaked = ::fcntl(2, F_DUPFD, 20);
  REQUIRE(leaked > kChildControlFd);
  const std::string script = "[ -S /proc/$$/fd/3 ] || exit 5; [ -e /proc/$$/fd/" + std::to_string(leaked) +
                             " ] && exit 6; [ \"$(cat)\" = '' ] || exit 7; exit 4";
  {
    ChildProcess child("/bin/sh", {"-c", script});
    CHECK(child.finish(5.0, 1.0).describe() == "exited with status 4");
  }
  ::close(leaked);
  {
    ChildProcess child("/bin/sh", {"-c", "kill -SEGV $$"});
    CHECK(child.finish(5.0, 1.0).describe() == "killed by SIGSEGV");
  }
  {
    // Ignores SIGTERM: terminate must escalate to SIGKILL after the grace period.
    ChildProcess child("/bin/sh", {"-c", "trap '' TERM; echo >&3; while :; do sleep 0.05; done"});
    char ready;
    REQUIRE(::read(child.control_fd(), &ready, 1) == 1);  // the trap is in place
    const auto start = Clock::now();
    const ChildExit exit = child.terminate(0.2);
    const double took_s = std::chrono::duration<double>(Clock::now() - start).count();
    CHECK(exit.describe() == "killed by SIGKILL");
    CHECK(took_s >= 0.2);
    CHECK(took_s < 2.0);
    CHECK(child.poll_exit().has_value());
  }
  CHECK_THROWS_WITH(ChildProcess("/nonexistent/diarize", {}), Catch::Contains("cannot start"));
}

TEST_CASE("Engine errors are classified for the retry decision", "[isolation]") {
  CHECK(classify_engine_error(std::runtime_error("accelerator: device lost")) == ErrorKind::kAccelerator);
  CHECK(classify_engine_error(std::runtime_error("CUDA error: an illegal memory access")) == ErrorKind::kAccelerator);
  CHECK(classify_engine_error(std::runtime_error("CUDA out of memory. Tried to allocate")) == ErrorKind::kAccelerator);
  CHECK(classify_engine_error(std::runtime_error("MPS backend out of memory")) == ErrorKind::kAccelerator);
  CHECK(classify_engine_error(InputError("audio too short")) == ErrorKind::kInput);
  CHECK(classify_engine_error(ModelError("bad weights")) == ErrorKind::kModel);
  CHECK(classify_engine_error(std::runtime_error("vector::_M_range_check")) == ErrorKind::kInternal);
}

TEST_CASE("--device resolves against the module's devices", "[isolation]") {
  CHECK(resolve_device("auto", "cuda,cpu") == "cuda");
  CHECK(resolve_device("auto", "cpu") == "cpu");
  CHECK(resolve_device("auto", "") == "cpu");
  CHECK(resolve_device("cpu", "cuda") == "cpu");
  CHECK(resolve_device("cuda", "cuda,cpu") == "cuda");
  // An explicit device the module lacks is no device at all: a configuration error for the parent.
  CHECK(resolve_device("cuda", "cpu").empty());
  CHECK(resolve_device("mps", "").empty());
  CHECK(unavailable_device_message("cuda", "cpu") == "--device cuda: not available on this machine (available: cpu)");
  CHECK(split_device_list(",cuda,,cpu,") == std::vector<std::string>{"cuda", "cpu"});
}
