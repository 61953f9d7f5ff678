// What the batch driver asks of a diarization back end, isolated (child process) or in-process
// (--no-isolation): one input in, its result and the device that produced it out.
#pragma once

#include <functional>
#include <string>

#include "engine/engine_api.h"
#include "isolation/shared_audio.h"

namespace diarize {

struct DiarizeOutcome {
  EngineResult result;
  std::string device;    // the device that produced the result
  std::string fallback;  // why the preferred device was not used for it; empty if it was
};

// One line for stderr (without the trailing newline), e.g. the "retrying on CPU" notice.
using LogLine = std::function<void(const std::string&)>;

class Diarizer {
 public:
  virtual ~Diarizer() = default;
  // `input_index` is the 1-based position in the batch (fault injection addresses inputs by it).
  // Throws InputError when this input failed (the batch goes on) and ModelError when no input
  // can succeed (the run stops).
  virtual DiarizeOutcome diarize(const std::string& path, int input_index, const SharedAudio& audio,
                                 const JobOptions& options, const ProgressCallback& progress) = 0;
  // Gets the engine ready before the first input, so that a configuration error (a --device
  // the machine lacks) stops the run before any work. Throws ModelError.
  virtual void prepare() {}
};

// "cuda attempt", or "engine start" for a failure before any device was chosen.
std::string attempt_name(const std::string& device);
// The one-line notice both back ends print before a CPU retry.
std::string retry_notice(const std::string& path, const std::string& device, const std::string& reason);

}  // namespace diarize
