// Engine configuration from the command line (see engine_config.h).
#include "engine_config.h"

namespace diarize {

EngineConfig resolve_engine_config(const RunOptions& options) {
  EngineConfig config = options.engine;
  config.segmentation_path = options.segmentation;
  config.embedding_path = options.embedding == "builtin" ? "" : options.embedding;
  config.device = options.device;
  return config;
}

}  // namespace diarize
