// Which models and device the engine gets for this run.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_api.h"
#include "run_options.h"

namespace diarize {

// Model discovery (docs/models.md) plus the network settings. `device` may still be "auto": the
// process that loads the engine module resolves it against the devices the module offers.
// `notes` receives what discovery chose and why (printed with --verbose); `embedding_not_found`
// whether the built-in embedding runs because no model was found. Throws ModelError.
EngineConfig resolve_engine_config(const RunOptions& options, std::vector<std::string>* notes = nullptr,
                                   bool* embedding_not_found = nullptr);

// The one line a person at a terminal gets when no embedding model was found.
inline constexpr const char* kNeuralEmbeddingHint =
    "diarize: no speaker-embedding model found, so the built-in embedding runs; for pyannote's accuracy get "
    "the ResNet34 with `./setup.sh --models-only` in the source tree (docs/models.md)";

}  // namespace diarize
