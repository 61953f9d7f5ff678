// Which models and device the engine gets for this run.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_api.h"
#include "run_options.h"

namespace diarize {

// Model discovery (docs/models.md) plus the network settings. `device` may still be "auto": the
// process that loads the engine module resolves it against the devices the module offers.
// `notes` receives what discovery chose and why (printed with --verbose). Throws ModelError.
EngineConfig resolve_engine_config(const RunOptions& options, std::vector<std::string>* notes = nullptr);

}  // namespace diarize
