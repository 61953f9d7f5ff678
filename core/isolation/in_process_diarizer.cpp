// In-process diarization with CPU fallback on accelerator errors (see in_process_diarizer.h).
#include "isolation/in_process_diarizer.h"

#include "errors.h"
#include "isolation/device_choice.h"
#include "isolation/error_kind.h"

namespace diarize {

InProcessDiarizer::InProcessDiarizer(EngineConfig config, int max_accelerator_failures, LogLine log)
    : config_(std::move(config)),
      log_(std::move(log)),
      module_(find_engine_module()),
      budget_(config_.device, max_accelerator_failures) {
  // An explicit device the module lacks stops the run before any input (docs/cli.md, exit 3).
  if (resolve_device(config_.device, module_.available_devices()).empty())
    throw ModelError(unavailable_device_message(config_.device, module_.available_devices()));
}

Engine& InProcessDiarizer::engine_for(const std::string& device_request) {
  auto it = engines_.find(device_request);
  if (it != engines_.end()) return *it->second;
  EngineConfig config = config_;
  config.device = resolve_device(device_request, module_.available_devices());
  std::unique_ptr<Engine> engine = module_.create(config);
  if (!engine) throw ModelError("the engine module created no engine");
  return *engines_.emplace(device_request, std::move(engine)).first->second;
}

DiarizeOutcome InProcessDiarizer::diarize(const std::string& path, int /*input_index*/, const SharedAudio& audio,
                                          const JobOptions& options, const ProgressCallback& progress) {
  DiarizeOutcome outcome;
  std::string device = budget_.first_request();
  try {
    Engine& engine = engine_for(device);
    device = engine.device();
    outcome.result = engine.diarize(audio.samples(), audio.sample_count(), options, progress);
    outcome.device = device;
    outcome.fallback = budget_.exhausted_note();
    return outcome;
  } catch (const std::exception& e) {
    const ErrorKind kind = classify_engine_error(e);
    if (kind == ErrorKind::kModel) throw ModelError(e.what());
    // Only an accelerator deserves a second try here: a CPU failure would simply repeat.
    if (kind == ErrorKind::kInput || device == "cpu") throw InputError(e.what());
    const std::string reason = e.what();
    log_(retry_notice(path, device, reason));
    if (const std::string spent = budget_.record_failure(device); !spent.empty()) log_(spent);
    try {
      Engine& cpu = engine_for("cpu");
      outcome.result = cpu.diarize(audio.samples(), audio.sample_count(), options, progress);
      outcome.device = cpu.device();
      outcome.fallback = attempt_name(device) + " failed: " + reason;
      return outcome;
    } catch (const ModelError&) {
      throw;
    } catch (const std::exception& again) {
      throw InputError(attempt_name(device) + " failed (" + reason + "), CPU retry failed (" + again.what() + ")");
    }
  }
}

}  // namespace diarize
