// Finds the segmentation and embedding models and the community-1 PLDA: explicit flags first, then
// --models DIR, $DIARIZE_MODELS, the user's data folder and the install prefix, each with the
// segmentation/, embedding/ and plda/ subfolders of pyannote's community-1 download (docs/models.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/model_recognition.h"

namespace diarize {

struct ModelSearch {
  std::string segmentation;  // --segmentation FILE
  std::string embedding;     // --embedding FILE or "builtin"
  std::string models_dir;    // --models DIR
  std::string plda_dir;      // --plda DIR
  bool find_plda = true;     // false when the PLDA cannot be used (--pipeline 3.1)
};

// The two files of the community-1 PLDA, recognised by content.
struct PldaFiles {
  std::string transform;  // xvec_transform.npz
  std::string model;      // plda.npz
};

struct DiscoveredModels {
  ModelDescription segmentation;
  bool builtin_embedding = true;
  bool embedding_not_found = false;  // built-in because no model was found (not because it was asked for)
  ModelDescription embedding;      // valid when !builtin_embedding
  std::string builtin_parameters;  // when builtin_embedding: its learned parameters (checked)
  std::optional<PldaFiles> plda;   // looked for only with a neural embedding and find_plda
  std::vector<std::string> notes;  // what was chosen and why (printed with --verbose)
};

// The folders searched after the flags, in order (those that do not exist included).
std::vector<std::string> model_search_folders(const std::string& models_dir);

// Where the built-in embedding's learned parameters are: <prefix>/share/diarize/builtin/ beside the
// running executable's bin/, which is the build tree's copy for build/bin/diarize and the
// installed one for <prefix>/bin/diarize. Empty when the executable's path is unknown.
std::string builtin_parameters_path();

// Throws ModelError (exit 3) when no segmentation model is found, a named file is unusable, a
// folder holds only one of the two PLDA files, or the built-in embedding is chosen and its
// parameters are missing or unusable (not finite, ...); the message lists where it looked and
// points at docs/models.md.
DiscoveredModels discover_models(const ModelSearch& search);

}  // namespace diarize
