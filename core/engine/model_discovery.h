// Finds the segmentation and embedding models: explicit flags first, then --models DIR,
// $DIARIZE_MODELS, the user's data folder and the install prefix (docs/models.md).
#pragma once

#include <string>
#include <vector>

#include "formats/model_recognition.h"

namespace diarize {

struct ModelSearch {
  std::string segmentation;  // --segmentation FILE
  std::string embedding;     // --embedding FILE or "builtin"
  std::string models_dir;    // --models DIR
};

struct DiscoveredModels {
  ModelDescription segmentation;
  bool builtin_embedding = true;
  bool embedding_not_found = false;  // built-in because no model was found (not because it was asked for)
  ModelDescription embedding;      // valid when !builtin_embedding
  std::vector<std::string> notes;  // what was chosen and why (printed with --verbose)
};

// The folders searched after the flags, in order (those that do not exist included).
std::vector<std::string> model_search_folders(const std::string& models_dir);

// Throws ModelError (exit 3) when no segmentation model is found or a named file is unusable;
// the message lists where it looked and points at docs/models.md.
DiscoveredModels discover_models(const ModelSearch& search);

}  // namespace diarize
