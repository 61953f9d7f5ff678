// Frames and JSON messages of the parent<->child protocol (docs/protocol.md).
#include "isolation/child_protocol.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

namespace diarize {

namespace {

using json = nlohmann::json;

void put_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t get_u32(const std::string& in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}
uint16_t get_u16(const std::string& in, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(in[at]) | (static_cast<unsigned char>(in[at + 1]) << 8));
}

bool known_type(uint16_t type) { return type >= 1 && type <= 7; }

json parse_object(const std::string& payload, const char* what) {
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw ProtocolError(std::string(what) + " message is not a JSON object");
  return j;
}

// Runs `body`, turning any JSON type or key error into a ProtocolError that names the message.
template <typename F>
auto decoding(const char* what, F body) -> decltype(body()) {
  try {
    return body();
  } catch (const ProtocolError&) {
    throw;
  } catch (const std::exception& e) {
    throw ProtocolError(std::string("malformed ") + what + " message: " + e.what());
  }
}

json to_json(const JobOptions& o) {
  return {{"num_speakers", o.num_speakers}, {"min_speakers", o.min_speakers}, {"max_speakers", o.max_speakers},
          {"return_centroids", o.return_centroids}};
}
JobOptions job_options_from(const json& j) {
  JobOptions o;
  o.num_speakers = j.at("num_speakers").get<int>();
  o.min_speakers = j.at("min_speakers").get<int>();
  o.max_speakers = j.at("max_speakers").get<int>();
  o.return_centroids = j.at("return_centroids").get<bool>();
  return o;
}

// Ids and counts: a negative or fractional number must not wrap around into a huge one.
uint64_t unsigned_at(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_unsigned()) throw ProtocolError(std::string("'") + key + "' is not an unsigned integer");
  return v.get<uint64_t>();
}

double finite(const json& j) {
  const double v = j.get<double>();
  if (!std::isfinite(v)) throw ProtocolError("non-finite number");
  return v;
}

}  // namespace

// ---- Messages ----------------------------------------------------------------------------

std::string encode(const InitMessage& m) {
  const EngineConfig& c = m.config;
  return json{{"segmentation_path", c.segmentation_path},
              {"embedding_path", c.embedding_path},
              {"builtin_parameters_path", c.builtin_parameters_path},
              {"device", c.device},
              {"threads", c.threads},
              {"batch_size", c.batch_size},
              {"mode", network_mode_name(c.mode)},
              {"pipeline", pipeline_kind_name(c.pipeline)},
              {"plda_transform_path", c.plda_transform_path},
              {"plda_path", c.plda_path}}
      .dump();
}

InitMessage decode_init(const std::string& payload) {
  return decoding("INIT", [&] {
    const json j = parse_object(payload, "INIT");
    InitMessage m;
    m.config.segmentation_path = j.at("segmentation_path").get<std::string>();
    m.config.embedding_path = j.at("embedding_path").get<std::string>();
    m.config.builtin_parameters_path = j.at("builtin_parameters_path").get<std::string>();
    m.config.device = j.at("device").get<std::string>();
    m.config.threads = j.at("threads").get<int>();
    m.config.batch_size = j.at("batch_size").get<int>();
    const std::string mode = j.at("mode").get<std::string>();
    if (mode == "exact") m.config.mode = NetworkMode::kExact;
    else if (mode == "fast") m.config.mode = NetworkMode::kFast;
    else throw ProtocolError("unknown network mode '" + mode + "'");
    const std::string pipeline = j.at("pipeline").get<std::string>();
    if (pipeline == "3.1") m.config.pipeline = PipelineKind::kPyannote31;
    else if (pipeline == "community-1") m.config.pipeline = PipelineKind::kCommunity1;
    else throw ProtocolError("unknown pipeline '" + pipeline + "'");
    m.config.plda_transform_path = j.at("plda_transform_path").get<std::string>();
    m.config.plda_path = j.at("plda_path").get<std::string>();
    return m;
  });
}

std::string encode(const JobMessage& m) {
  return json{{"job_id", m.job_id}, {"options", to_json(m.options)}, {"fault", fault_name(m.fault)}, {"sample_count", m.sample_count}}
      .dump();
}

JobMessage decode_job(const std::string& payload) {
  return decoding("JOB", [&] {
    const json j = parse_object(payload, "JOB");
    JobMessage m;
    m.job_id = unsigned_at(j, "job_id");
    m.options = job_options_from(j.at("options"));
    m.fault = fault_from_name(j.at("fault").get<std::string>());
    m.sample_count = unsigned_at(j, "sample_count");
    return m;
  });
}

std::string encode(const DevicesMessage& m) {
  return json{{"available_devices", m.available_devices}, {"device", m.device}}.dump();
}

DevicesMessage decode_devices(const std::string& payload) {
  return decoding("DEVICES", [&] {
    const json j = parse_object(payload, "DEVICES");
    DevicesMessage m;
    m.available_devices = j.at("available_devices").get<std::string>();
    m.device = j.at("device").get<std::string>();
    return m;
  });
}

std::string encode(const ReadyMessage& m) {
  return json{{"device", m.device}, {"available_devices", m.available_devices}}.dump();
}

ReadyMessage decode_ready(const std::string& payload) {
  return decoding("READY", [&] {
    const json j = parse_object(payload, "READY");
    ReadyMessage m;
    m.device = j.at("device").get<std::string>();
    m.available_devices = j.at("available_devices").get<std::string>();
    if (m.device.empty()) throw ProtocolError("READY names no device");
    return m;
  });
}

std::string encode(const ProgressMessage& m) {
  return json{{"job_id", m.job_id}, {"stage", m.event.stage}, {"done", m.event.done}, {"total", m.event.total}}.dump();
}

ProgressMessage decode_progress(const std::string& payload) {
  return decoding("PROGRESS", [&] {
    const json j = parse_object(payload, "PROGRESS");
    ProgressMessage m;
    m.job_id = unsigned_at(j, "job_id");
    m.event.stage = j.at("stage").get<std::string>();
    m.event.done = j.at("done").get<int64_t>();
    m.event.total = j.at("total").get<int64_t>();
    return m;
  });
}

namespace {

// Full double precision: the parent must print exactly what the in-process mode prints.
json turns_to_json(const std::vector<SpeakerTurn>& turns) {
  json out = json::array();
  for (const SpeakerTurn& t : turns) out.push_back({t.start_s, t.end_s, t.speaker});
  return out;
}

std::vector<SpeakerTurn> turns_from_json(const json& array, size_t num_labels) {
  if (!array.is_array()) throw ProtocolError("turns are not an array");
  std::vector<SpeakerTurn> turns;
  for (const json& t : array) {
    if (!t.is_array() || t.size() != 3) throw ProtocolError("a turn is not [start, end, speaker]");
    SpeakerTurn turn{finite(t[0]), finite(t[1]), t[2].get<int>()};
    if (turn.speaker < 0 || static_cast<size_t>(turn.speaker) >= num_labels)
      throw ProtocolError("a turn names speaker " + std::to_string(turn.speaker) + " of " + std::to_string(num_labels));
    turns.push_back(turn);
  }
  return turns;
}

}  // namespace

std::string encode(const ResultMessage& m) {
  const Diarization& d = m.result.diarization;
  json timings = json::object();
  for (const auto& [stage, seconds] : m.result.timings_s) timings[stage] = seconds;
  return json{{"job_id", m.job_id},
              {"labels", d.labels},
              {"turns", turns_to_json(d.turns)},
              {"exclusive_turns", turns_to_json(d.exclusive_turns)},
              {"centroids", d.centroids},
              {"embedding", m.result.embedding},
              {"timings_s", std::move(timings)}}
      .dump();
}

ResultMessage decode_result(const std::string& payload) {
  return decoding("RESULT", [&] {
    const json j = parse_object(payload, "RESULT");
    ResultMessage m;
    m.job_id = unsigned_at(j, "job_id");
    Diarization& d = m.result.diarization;
    d.labels = j.at("labels").get<std::vector<std::string>>();
    d.turns = turns_from_json(j.at("turns"), d.labels.size());
    d.exclusive_turns = turns_from_json(j.at("exclusive_turns"), d.labels.size());
    d.centroids = j.at("centroids").get<std::vector<std::vector<float>>>();
    if (!d.centroids.empty() && d.centroids.size() != d.labels.size())
      throw ProtocolError("centroids do not match the speakers");
    m.result.embedding = j.at("embedding").get<std::string>();
    for (const auto& [stage, seconds] : j.at("timings_s").items()) m.result.timings_s[stage] = finite(seconds);
    return m;
  });
}

std::string encode(const ErrorMessage& m) {
  return json{{"job_id", m.job_id}, {"kind", error_kind_name(m.kind)}, {"message", m.message}}.dump();
}

ErrorMessage decode_error(const std::string& payload) {
  return decoding("ERROR", [&] {
    const json j = parse_object(payload, "ERROR");
    ErrorMessage m;
    m.job_id = unsigned_at(j, "job_id");
    m.kind = error_kind_from_name(j.at("kind").get<std::string>());
    m.message = j.at("message").get<std::string>();
    return m;
  });
}

// ---- Framing -----------------------------------------------------------------------------

std::string frame_header(MessageType type, uint32_t payload_bytes) {
  std::string header;
  put_u32(header, kProtocolMagic);
  put_u16(header, kProtocolVersion);
  put_u16(header, static_cast<uint16_t>(type));
  put_u32(header, payload_bytes);
  return header;
}

void send_frame(int socket_fd, MessageType type, const std::string& payload, int fd_to_pass) {
  if (payload.size() > kMaxPayloadBytes) throw ProtocolError("message too large to send");
  const std::string frame = frame_header(type, static_cast<uint32_t>(payload.size())) + payload;
  size_t sent = 0;
  while (sent < frame.size()) {
    struct iovec iov {const_cast<char*>(frame.data() + sent), frame.size() - sent};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (fd_to_pass >= 0 && sent == 0) {
      // The fd rides with the frame's first byte, so the receiver has it once the frame is whole.
      std::memset(control, 0, sizeof(control));
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
    }
    const ssize_t n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET) throw ProtocolError("peer closed the connection");
      throw std::runtime_error(std::string("cannot write to the peer: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
}

FrameReader::~FrameReader() {
  for (int fd : fds_) ::close(fd);
}

bool FrameReader::try_extract(Frame& frame) {
  // Check the magic as soon as it is there, so garbage is caught without waiting for more.
  if (buffer_.size() >= 4 && get_u32(buffer_, 0) != kProtocolMagic) throw ProtocolError("bad frame magic");
  if (buffer_.size() < kFrameHeaderBytes) return false;
  const uint16_t version = get_u16(buffer_, 4);
  const uint16_t type = get_u16(buffer_, 6);
  const uint32_t length = get_u32(buffer_, 8);
  if (version != kProtocolVersion) throw ProtocolError("unsupported protocol version " + std::to_string(version));
  if (!known_type(type)) throw ProtocolError("unknown message type " + std::to_string(type));
  if (length > kMaxPayloadBytes) throw ProtocolError("frame length " + std::to_string(length) + " exceeds the limit");
  if (buffer_.size() < kFrameHeaderBytes + length) return false;
  frame.type = static_cast<MessageType>(type);
  frame.payload = buffer_.substr(kFrameHeaderBytes, length);
  frame.fd = -1;
  buffer_.erase(0, kFrameHeaderBytes + length);
  if (frame.type == MessageType::kJob) {
    if (fds_.empty()) throw ProtocolError("JOB frame without its audio descriptor");
    frame.fd = fds_.front();
    fds_.pop_front();
  }
  return true;
}

FrameReader::Status FrameReader::next(Frame& frame, std::optional<Clock::time_point> deadline) {
  while (true) {
    if (try_extract(frame)) return Status::kFrame;

    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return Status::kTimedOut;
      timeout_ms = static_cast<int>(std::min<long long>(left + 1, 1 << 30));
    }
    struct pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int r = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    }
    if (r == 0) continue;  // the deadline check above decides
    if (wake_fd_ >= 0 && (fds[1].revents & POLLIN)) return Status::kWakeUp;
    if (fds[0].revents == 0) continue;

    char data[65536];
    alignas(struct cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov {data, sizeof(data)};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = ::recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      // A peer that died with unread data resets the connection: that is its end of stream.
      if (errno != ECONNRESET) throw std::runtime_error(std::string("cannot read from the peer: ") + std::strerror(errno));
      n = 0;
    }
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        fds_.push_back(fd);
      }
    }
    if (msg.msg_flags & MSG_CTRUNC) throw ProtocolError("too many descriptors in one message");
    if (n <= 0) {
      if (!buffer_.empty()) throw ProtocolError("stream ended inside a frame");
      return Status::kEndOfStream;
    }
    buffer_.append(data, static_cast<size_t>(n));
  }
}

}  // namespace diarize
