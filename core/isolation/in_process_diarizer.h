// --no-isolation: the same Engine::diarize, run in this process (the only place the parent
// loads the engine module). An accelerator error still falls back to a CPU engine, but a crash
// takes the whole process down: that is what isolation is for.
#pragma once

#include <map>
#include <memory>

#include "engine/engine_loader.h"
#include "isolation/accelerator_budget.h"
#include "isolation/diarizer.h"

namespace diarize {

class InProcessDiarizer : public Diarizer {
 public:
  // Loads the engine module now; throws ModelError when it cannot be loaded or lacks the
  // explicitly requested device.
  InProcessDiarizer(EngineConfig config, int max_accelerator_failures, LogLine log);

  DiarizeOutcome diarize(const std::string& path, int input_index, const SharedAudio& audio, const JobOptions& options,
                         const ProgressCallback& progress) override;

 private:
  Engine& engine_for(const std::string& device_request);

  EngineConfig config_;
  LogLine log_;
  EngineModule module_;
  std::map<std::string, std::unique_ptr<Engine>> engines_;  // by request, created on first use
  AcceleratorBudget budget_;
};

}  // namespace diarize
