// The child side of the isolation: engine creation, the job loop, and the injected faults.
#include "child_main.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "engine/engine_loader.h"
#include "isolation/child_protocol.h"
#include "isolation/device_choice.h"
#include "isolation/error_kind.h"
#include "isolation/shared_audio.h"

namespace diarize {

namespace {

constexpr int kChildExitProtocol = 3;

// Raises the fault the parent asked for, for real: the parent must survive the genuine article.
void raise_fault(FaultKind fault, int control_fd) {
  switch (fault) {
    case FaultKind::kNone:
      return;
    case FaultKind::kSegv:
      ::signal(SIGSEGV, SIG_DFL);
      ::raise(SIGSEGV);
      ::_exit(128 + SIGSEGV);
    case FaultKind::kAbort:
      std::abort();
    case FaultKind::kHang:
      // Ignoring SIGTERM forces the parent to escalate to SIGKILL.
      ::signal(SIGTERM, SIG_IGN);
      while (true) ::pause();
    case FaultKind::kExit:
      std::_Exit(0);
    case FaultKind::kGarbage: {
      static const char garbage[] = "this is not a diarize frame \x01\x02\x03\xff\xfe";
      (void)!::write(control_fd, garbage, sizeof(garbage));
      while (true) ::pause();
    }
  }
}

void send_error(int fd, uint64_t job_id, const std::exception& error) {
  ErrorMessage m;
  m.job_id = job_id;
  m.kind = classify_engine_error(error);
  m.message = error.what();
  send_frame(fd, MessageType::kError, encode(m));
}

// Runs one job; the engine's exceptions become ERROR messages, the child goes on serving.
void serve_job(Engine& engine, int fd, const JobMessage& job, int audio_fd) {
  bool fault_raised = false;
  const auto fault_once = [&] {
    if (fault_raised) return;
    fault_raised = true;
    raise_fault(job.fault, fd);
  };
  const ProgressCallback progress = [&](const ProgressEvent& event) {
    send_frame(fd, MessageType::kProgress, encode(ProgressMessage{job.job_id, event}));
    fault_once();
  };
  ResultMessage result;
  result.job_id = job.job_id;
  try {
    const MappedAudio audio(audio_fd, job.sample_count);
    result.result = engine.diarize(audio.samples(), audio.sample_count(), job.options, progress);
  } catch (const ProtocolError&) {
    throw;  // the parent is gone: nothing to report to
  } catch (const std::exception& e) {
    send_error(fd, job.job_id, e);
    return;
  }
  fault_once();  // an engine that reports no progress still gets its fault
  send_frame(fd, MessageType::kResult, encode(result));
}

int serve(int fd) {
  FrameReader reader(fd);
  Frame frame;
  if (reader.next(frame, std::nullopt) == FrameReader::Status::kEndOfStream) return 0;
  if (frame.type != MessageType::kInit) throw ProtocolError("expected INIT first");
  const InitMessage init = decode_init(frame.payload);

  std::unique_ptr<EngineModule> module;
  std::unique_ptr<Engine> engine;
  ReadyMessage ready;
  try {
    module = std::make_unique<EngineModule>(find_engine_module());
    DevicesMessage devices;
    devices.available_devices = module->available_devices();
    devices.device = resolve_device(init.config.device, devices.available_devices);
    ready.available_devices = devices.available_devices;
    // Before the engine (and its models) loads: the parent learns which device this child is
    // for, and stops the run at once if the requested one is absent.
    send_frame(fd, MessageType::kDevices, encode(devices));
    if (devices.device.empty()) return 0;
    EngineConfig config = init.config;
    config.device = devices.device;
    engine = module->create(config);
    if (!engine) throw std::runtime_error("the engine module created no engine");
    ready.device = engine->device();
  } catch (const std::exception& e) {
    send_error(fd, 0, e);
    return 0;
  }
  send_frame(fd, MessageType::kReady, encode(ready));

  while (true) {
    Frame job_frame;
    if (reader.next(job_frame, std::nullopt) == FrameReader::Status::kEndOfStream) return 0;
    if (job_frame.type != MessageType::kJob) {
      if (job_frame.fd >= 0) ::close(job_frame.fd);
      throw ProtocolError("expected a JOB message");
    }
    const int audio_fd = job_frame.fd;
    try {
      serve_job(*engine, fd, decode_job(job_frame.payload), audio_fd);
    } catch (...) {
      ::close(audio_fd);
      throw;
    }
    ::close(audio_fd);
  }
}

}  // namespace

int child_main(int argc, char** argv) {
  // Die with the parent, even if it is SIGKILLed, and do not outlive a parent that died before
  // this line ran (then we were already re-parented).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (argc != 3 || std::atoi(argv[2]) != static_cast<int>(::getppid()) || ::fcntl(kChildControlFd, F_GETFD) < 0) {
    std::fprintf(stderr, "diarize: --child is internal: diarize starts it itself\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return serve(kChildControlFd);
  } catch (const ProtocolError& e) {
    // A vanished parent is not worth a message; a confused one is.
    if (std::string(e.what()) != "peer closed the connection")
      std::fprintf(stderr, "diarize --child: protocol breach by the parent: %s\n", e.what());
    return kChildExitProtocol;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "diarize --child: %s\n", e.what());
    return kChildExitProtocol;
  }
}

}  // namespace diarize
