// The parent<->child wire protocol (docs/protocol.md): length-prefixed frames with a magic and a
// version over a Unix stream socket, JSON payloads, and the audio passed as a memfd with the
// JOB frame (SCM_RIGHTS). Anything malformed is a ProtocolError: the peer is not trusted.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/engine_api.h"
#include "isolation/error_kind.h"
#include "isolation/fault_injection.h"

namespace diarize {

struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr uint32_t kProtocolMagic = 0x5a524944;  // "DIRZ" as little-endian bytes
inline constexpr uint16_t kProtocolVersion = 4;  // 2: RESULT carries exclusive_turns; 3: INIT carries the pipeline and PLDA;
                                                 // 4: INIT carries builtin_parameters_path
inline constexpr size_t kFrameHeaderBytes = 12;          // magic u32, version u16, type u16, length u32
inline constexpr uint32_t kMaxPayloadBytes = 64u << 20;  // far above any real result
inline constexpr int kChildControlFd = 3;                // where the child finds its end of the socket

enum class MessageType : uint16_t {
  kInit = 1,      // parent -> child: engine configuration (device may be "auto")
  kJob = 2,       // parent -> child: one input; carries the audio memfd
  kReady = 3,     // child -> parent: engine created, on this device
  kProgress = 4,  // child -> parent
  kResult = 5,    // child -> parent
  kError = 6,     // child -> parent
  kDevices = 7,   // child -> parent: the engine module is loaded; its devices and the one chosen
};

struct Frame {
  MessageType type = MessageType::kInit;
  std::string payload;
  int fd = -1;  // the fd that came with a JOB frame (owned by the receiver), else -1
};

// ---- Messages ----------------------------------------------------------------------------

struct InitMessage {
  EngineConfig config;
};
struct JobMessage {
  uint64_t job_id = 0;
  JobOptions options;
  FaultKind fault = FaultKind::kNone;
  uint64_t sample_count = 0;  // floats in the memfd sent with the frame
};
struct DevicesMessage {
  std::string available_devices;  // what the module reported, e.g. "cuda,cpu"
  std::string device;             // the device the engine is being created on; "" when the requested
                                  // one is not available (the child then exits: a configuration error)
};
struct ReadyMessage {
  std::string device;             // the resolved device
  std::string available_devices;  // what the module reported, e.g. "cuda,cpu"
};
struct ProgressMessage {
  uint64_t job_id = 0;
  ProgressEvent event;
};
struct ResultMessage {
  uint64_t job_id = 0;
  EngineResult result;
};
struct ErrorMessage {
  uint64_t job_id = 0;  // 0: not about a job (engine start)
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

std::string encode(const InitMessage& m);
std::string encode(const JobMessage& m);
std::string encode(const DevicesMessage& m);
std::string encode(const ReadyMessage& m);
std::string encode(const ProgressMessage& m);
std::string encode(const ResultMessage& m);
std::string encode(const ErrorMessage& m);

// Each throws ProtocolError when the payload is not the expected JSON object.
InitMessage decode_init(const std::string& payload);
JobMessage decode_job(const std::string& payload);
DevicesMessage decode_devices(const std::string& payload);
ReadyMessage decode_ready(const std::string& payload);
ProgressMessage decode_progress(const std::string& payload);
ResultMessage decode_result(const std::string& payload);
ErrorMessage decode_error(const std::string& payload);

// ---- Framing -----------------------------------------------------------------------------

// The 12-byte header for a payload. Exposed for tests.
std::string frame_header(MessageType type, uint32_t payload_bytes);

// Writes a whole frame (blocking; never raises SIGPIPE). `fd_to_pass` >= 0 travels with it.
// Throws ProtocolError("peer closed the connection") or std::runtime_error on I/O errors.
void send_frame(int socket_fd, MessageType type, const std::string& payload, int fd_to_pass = -1);

using Clock = std::chrono::steady_clock;

// Reads frames from a socket, honouring a deadline.
class FrameReader {
 public:
  enum class Status { kFrame, kEndOfStream, kTimedOut, kWakeUp };

  // `wake_fd` (optional, e.g. a signal self-pipe) makes next() return kWakeUp when readable.
  explicit FrameReader(int socket_fd, int wake_fd = -1) : fd_(socket_fd), wake_fd_(wake_fd) {}
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  // Waits until a whole frame is there, the peer closed the stream at a frame boundary, or
  // `deadline` passed (nullopt = no deadline). A stream that ends inside a frame, a bad magic,
  // version, type or length, or an fd where none belongs is a ProtocolError.
  Status next(Frame& frame, std::optional<Clock::time_point> deadline);

 private:
  bool try_extract(Frame& frame);
  int fd_;
  int wake_fd_;
  std::string buffer_;
  std::deque<int> fds_;
};

}  // namespace diarize
