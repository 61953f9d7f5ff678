// The supervisor of child processes (see isolated_diarizer.h and docs/protocol.md).
#include "isolation/isolated_diarizer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "errors.h"
#include "isolation/child_process.h"
#include "isolation/child_protocol.h"
#include "isolation/device_choice.h"

namespace diarize {

struct IsolatedDiarizer::Session {
  std::unique_ptr<ChildProcess> process;
  std::unique_ptr<FrameReader> reader;
  std::string request;  // what it was started for (auto|cpu|cuda|mps)
  std::string device;   // what it runs on: from DEVICES; until then an explicit request, "" for auto
};

struct IsolatedDiarizer::AttemptFailed {
  std::string device;     // "" when it failed before a device was chosen
  std::string reason;
  bool retryable = true;  // false: the child judged the input itself unusable
  bool timed_out = false;
};

namespace {

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", seconds);
  return buffer;
}

std::optional<Clock::time_point> deadline_after(double seconds) {
  if (seconds <= 0) return std::nullopt;
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

const char* type_name(MessageType type) {
  switch (type) {
    case MessageType::kInit: return "INIT";
    case MessageType::kJob: return "JOB";
    case MessageType::kReady: return "READY";
    case MessageType::kProgress: return "PROGRESS";
    case MessageType::kResult: return "RESULT";
    case MessageType::kError: return "ERROR";
    case MessageType::kDevices: return "DEVICES";
  }
  return "unknown";
}

}  // namespace

std::string attempt_name(const std::string& device) { return device.empty() ? "engine start" : device + " attempt"; }

std::string retry_notice(const std::string& path, const std::string& device, const std::string& reason) {
  return "diarize: " + path + ": " + attempt_name(device) + " failed (" + reason + "); retrying on CPU";
}

IsolatedDiarizer::IsolatedDiarizer(IsolationConfig config, LogLine log)
    : config_(std::move(config)),
      log_(std::move(log)),
      budget_(config_.engine.device, config_.max_accelerator_failures) {}

IsolatedDiarizer::~IsolatedDiarizer() {
  if (!child_) return;
  // EOF on its control socket is the child's signal to exit; give it the grace period to do so.
  ::shutdown(child_->process->control_fd(), SHUT_WR);
  child_->process->finish(config_.kill_grace_s, config_.kill_grace_s);
  child_.reset();
}

void IsolatedDiarizer::stop_child() {
  if (!child_) return;
  child_->process->terminate(config_.kill_grace_s);
  child_.reset();
}

void IsolatedDiarizer::fail_and_stop(const std::string& device, const std::string& reason, bool retryable,
                                     bool timed_out) {
  const std::string failed_on = device;  // `device` may belong to the session stop_child ends
  stop_child();
  throw AttemptFailed{failed_on, reason, retryable, timed_out};
}

// Reads the next frame of the current child. Every way the child can misbehave ends here in a
// stopped child and a retryable AttemptFailed that says what happened.
// `fail(reason, timed_out)` never returns: it stops the child and throws. `timeout_reason` is
// the reason given when `deadline` passes.
static Frame receive(FrameReader& reader, ChildProcess& process, const std::optional<Clock::time_point>& deadline,
                     const std::string& timeout_reason, double grace_s,
                     const std::function<void(const std::string&, bool)>& fail) {
  Frame frame;
  FrameReader::Status status;
  try {
    status = reader.next(frame, deadline);
  } catch (const ProtocolError& e) {
    fail(std::string("protocol breach: ") + e.what(), false);
    throw;  // not reached: fail throws
  } catch (const std::exception& e) {
    fail(e.what(), false);
    throw;
  }
  if (status == FrameReader::Status::kTimedOut) fail(timeout_reason, true);
  if (status == FrameReader::Status::kEndOfStream) {
    // The socket closes as the child dies; give it a moment to become reapable, so the reason
    // names the real signal rather than our SIGTERM.
    const ChildExit exit = process.finish(grace_s, grace_s);
    fail(exit.clean() ? "child exited without a result" : "child " + exit.describe(), false);
  }
  if (status != FrameReader::Status::kFrame) fail("interrupted", false);
  return frame;
}

IsolatedDiarizer::Session& IsolatedDiarizer::ensure_child(const std::string& device_request) {
  if (child_ && child_->request == device_request) return *child_;
  stop_child();
  const std::string known_device = device_request == "auto" ? "" : device_request;
  auto session = std::make_unique<Session>();
  session->request = device_request;
  session->device = known_device;
  try {
    session->process = std::make_unique<ChildProcess>(config_.executable,
                                                      std::vector<std::string>{"--child", std::to_string(::getpid())});
  } catch (const std::exception& e) {
    throw AttemptFailed{known_device, e.what(), true, false};
  }
  session->reader = std::make_unique<FrameReader>(session->process->control_fd());
  child_ = std::move(session);
  Session& s = *child_;
  const auto fail = [&](const std::string& reason, bool timed_out) {
    fail_and_stop(s.device, reason + " while starting", true, timed_out);
  };

  InitMessage init;
  init.config = config_.engine;
  init.config.device = device_request;
  try {
    send_frame(s.process->control_fd(), MessageType::kInit, encode(init));
  } catch (const std::exception& e) {
    const ChildExit exit = s.process->finish(config_.kill_grace_s, config_.kill_grace_s);
    fail("child " + exit.describe(), false);
  }
  // --timeout is for the work on an input; starting (loading LibTorch and the models) has its own
  // bound, whatever --timeout says.
  const auto deadline = deadline_after(config_.startup_timeout_s);
  const std::string timeout_reason = "not ready within " + seconds_text(config_.startup_timeout_s) + " s";
  Frame frame = receive(*s.reader, *s.process, deadline, timeout_reason, config_.kill_grace_s, fail);
  try {
    if (frame.type == MessageType::kDevices) {
      const DevicesMessage devices = decode_devices(frame.payload);
      if (devices.device.empty()) {
        stop_child();
        throw ModelError(unavailable_device_message(device_request, devices.available_devices));
      }
      s.device = devices.device;
      frame = receive(*s.reader, *s.process, deadline, timeout_reason, config_.kill_grace_s, fail);
    } else if (frame.type != MessageType::kError) {
      // Only a module that failed to load answers INIT without DEVICES.
      fail(std::string("protocol breach: expected DEVICES, got ") + type_name(frame.type), false);
    }
    if (frame.type == MessageType::kReady) {
      s.device = decode_ready(frame.payload).device;
      return s;
    }
    if (frame.type == MessageType::kError) {
      const ErrorMessage error = decode_error(frame.payload);
      if (error.kind == ErrorKind::kModel || error.kind == ErrorKind::kInput) {
        stop_child();
        throw ModelError(error.message);
      }
      fail_and_stop(s.device, error.message, true, false);
    }
    fail(std::string("protocol breach: unexpected ") + type_name(frame.type) + " message", false);
  } catch (const ProtocolError& e) {
    fail(std::string("protocol breach: ") + e.what(), false);
  }
  throw AttemptFailed{device_request, "unreachable", true, false};
}

void IsolatedDiarizer::prepare() {
  try {
    ensure_child(budget_.first_request());
  } catch (const AttemptFailed&) {
    // The first input's attempt starts a fresh child and reports whatever happens then.
  }
}

EngineResult IsolatedDiarizer::attempt(const std::string& device_request, int input_index, int attempt_number,
                                       const SharedAudio& audio, const JobOptions& options,
                                       const ProgressCallback& progress, std::string& device_used) {
  Session& s = ensure_child(device_request);
  device_used = s.device;
  const std::string device = s.device;
  const auto fail = [&](const std::string& reason, bool timed_out) { fail_and_stop(device, reason, true, timed_out); };

  JobMessage job;
  job.job_id = next_job_id_++;
  job.options = options;
  job.fault = config_.faults.fault_for(input_index, attempt_number);
  job.sample_count = audio.sample_count();
  try {
    send_frame(s.process->control_fd(), MessageType::kJob, encode(job), audio.fd());
  } catch (const std::exception& e) {
    const ChildExit exit = s.process->finish(config_.kill_grace_s, config_.kill_grace_s);
    fail("child " + exit.describe(), false);
  }

  // From the JOB on: the child was READY before it, so its start-up never counts here.
  const auto deadline = deadline_after(config_.timeout_s);
  const std::string timeout_reason = "timed out after " + seconds_text(config_.timeout_s) + " s";
  while (true) {
    const Frame frame = receive(*s.reader, *s.process, deadline, timeout_reason, config_.kill_grace_s, fail);
    try {
      switch (frame.type) {
        case MessageType::kProgress: {
          const ProgressMessage m = decode_progress(frame.payload);
          if (m.job_id != job.job_id) throw ProtocolError("PROGRESS for another job");
          if (progress) progress(m.event);
          continue;
        }
        case MessageType::kResult: {
          ResultMessage m = decode_result(frame.payload);
          if (m.job_id != job.job_id) throw ProtocolError("RESULT for another job");
          return std::move(m.result);
        }
        case MessageType::kError: {
          const ErrorMessage m = decode_error(frame.payload);
          if (m.job_id != job.job_id) throw ProtocolError("ERROR for another job");
          // The child judged this input unusable and is itself fine: keep it for the next one.
          if (m.kind == ErrorKind::kInput || m.kind == ErrorKind::kModel) throw AttemptFailed{device, m.message, false, false};
          fail(m.kind == ErrorKind::kAccelerator ? m.message : "internal error: " + m.message, false);
          break;
        }
        default:
          throw ProtocolError(std::string("unexpected ") + type_name(frame.type) + " message");
      }
    } catch (const ProtocolError& e) {
      fail(std::string("protocol breach: ") + e.what(), false);
    }
  }
}

DiarizeOutcome IsolatedDiarizer::diarize(const std::string& path, int input_index, const SharedAudio& audio,
                                         const JobOptions& options, const ProgressCallback& progress) {
  DiarizeOutcome outcome;
  try {
    outcome.result = attempt(budget_.first_request(), input_index, 1, audio, options, progress, outcome.device);
    outcome.fallback = budget_.exhausted_note();
    return outcome;
  } catch (const AttemptFailed& first) {
    if (!first.retryable) throw InputError(first.reason);
    // Another CPU attempt would only double the wait: a CPU timeout fails the input.
    if (first.timed_out && first.device == "cpu") throw InputError("cpu attempt " + first.reason);
    log_(retry_notice(path, first.device, first.reason));
    if (const std::string spent = budget_.record_failure(first.device); !spent.empty()) log_(spent);
    try {
      outcome.result = attempt("cpu", input_index, 2, audio, options, progress, outcome.device);
      outcome.fallback = attempt_name(first.device) + " failed: " + first.reason;
      return outcome;
    } catch (const AttemptFailed& second) {
      throw InputError(second.retryable ? attempt_name(first.device) + " failed (" + first.reason +
                                              "), CPU retry failed (" + second.reason + ")"
                                        : second.reason);
    }
  }
}

}  // namespace diarize
