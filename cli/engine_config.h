// Which models and device the engine gets for this run.
#pragma once

#include "engine/engine_api.h"
#include "run_options.h"

namespace diarize {

// For now copies --segmentation/--embedding/--device and the network settings; model discovery
// (--models, default locations) will be wired in here. `device` may still be "auto": the
// process that loads the engine module resolves it against the devices the module offers.
EngineConfig resolve_engine_config(const RunOptions& options);

}  // namespace diarize
