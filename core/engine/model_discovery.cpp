// Model discovery: flags, then folders; recognition by content; preference by format.
#include "engine/model_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "engine/engine_loader.h"
#include "errors.h"
#include "formats/numpy_file.h"
#include "formats/plda_file.h"
#include "formats/tensor_data.h"
#include "pipeline/builtin_plda.h"

namespace diarize {

namespace fs = std::filesystem;

std::vector<std::string> model_search_folders(const std::string& models_dir) {
  std::vector<std::string> folders;
  if (!models_dir.empty()) folders.push_back(models_dir);
  if (const char* env = std::getenv("DIARIZE_MODELS"); env && *env) folders.push_back(env);
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    folders.push_back(std::string(xdg) + "/diarize/models");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    folders.push_back(std::string(home) + "/.local/share/diarize/models");
  }
  const std::string exe = current_executable_path();
  if (!exe.empty()) {
    const fs::path prefix = fs::path(exe).parent_path().parent_path();
    folders.push_back((prefix / "share/diarize/models").string());
  }
  return folders;
}

std::string builtin_parameters_path() {
  const std::string exe = current_executable_path();
  if (exe.empty()) return "";
  return (fs::path(exe).parent_path().parent_path() / "share/diarize/builtin" / kBuiltinPldaFileName).string();
}

namespace {

// The built-in embedding's parameters, read once here so that a missing or damaged file stops the
// run with exit 3 before any child starts (the engine reads them again).
std::string checked_builtin_parameters(std::vector<std::string>& notes) {
  const std::string path = builtin_parameters_path();
  std::error_code ec;
  if (path.empty() || !fs::is_regular_file(path, ec))
    throw ModelError("the built-in embedding's parameters are missing (looked for " +
                     (path.empty() ? std::string("share/diarize/builtin/") + kBuiltinPldaFileName + " beside the executable"
                                   : path) +
                     "); rebuild or reinstall diarize (docs/models.md), or name an embedding model with --embedding FILE");
  try {
    read_builtin_plda(path, MfccConfig{});
  } catch (const std::exception& e) {
    throw ModelError(e.what());
  }
  notes.push_back("built-in embedding parameters: " + path);
  return path;
}

ModelDescription recognise_named(const std::string& path, ModelRole expected, const char* flag) {
  ModelDescription d;
  try {
    d = recognise_model(path);
  } catch (const FormatError& e) {
    throw ModelError(std::string(flag) + ": " + e.what());
  }
  if (d.role != expected)
    throw ModelError(std::string(flag) + ": " + path + " is " + role_with_article(d.role) + ", not " +
                     role_with_article(expected));
  return d;
}

// The best model of `role` in `folder` (non-recursive), by format preference then file name.
std::optional<ModelDescription> best_in_folder(const std::string& folder, ModelRole role, std::vector<std::string>& notes) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  std::vector<ModelDescription> found;
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(folder, fs::directory_options::skip_permission_denied, ec)) {
    std::error_code file_ec;
    if (entry.is_regular_file(file_ec)) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    const std::string ext = fs::path(path).extension().string();
    if (ext != ".safetensors" && ext != ".onnx" && ext != ".bin" && ext != ".pt" && ext != ".ckpt") continue;
    try {
      ModelDescription d = recognise_model(path);
      if (d.role == role) found.push_back(std::move(d));
    } catch (const FormatError& e) {
      notes.push_back(std::string("ignored ") + e.what());
    }
  }
  if (found.empty()) return std::nullopt;
  std::stable_sort(found.begin(), found.end(),
                   [](const ModelDescription& a, const ModelDescription& b) { return a.format < b.format; });
  if (found.size() > 1) {
    std::string others;
    for (size_t i = 1; i < found.size(); ++i) others += (i > 1 ? ", " : "") + found[i].path;
    notes.push_back(std::string("several ") + role_name(role) + " models in " + folder + "; chose " + found[0].path +
                    " (" + format_name(found[0].format) + ") over " + others);
  }
  return found[0];
}

}  // namespace

namespace {

// Where a models folder keeps one role: the folder itself, then the subfolder pyannote's
// speaker-diarization-community-1 download uses for it (segmentation/, embedding/, plda/).
std::vector<std::string> role_folders(const std::string& folder, const char* subfolder) {
  return {folder, (fs::path(folder) / subfolder).string()};
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::optional<ModelDescription> best_in_folders(const std::string& folder, ModelRole role, const char* subfolder,
                                                std::vector<std::string>& notes) {
  for (const std::string& where : role_folders(folder, subfolder))
    if (auto d = best_in_folder(where, role, notes)) return d;
  return std::nullopt;
}

// The two PLDA files in `folder` (non-recursive), told apart by content; ModelError when only one
// of them is there, since a half PLDA is a broken install rather than no PLDA.
std::optional<PldaFiles> plda_in_folder(const std::string& folder, std::vector<std::string>& notes) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(folder, fs::directory_options::skip_permission_denied, ec)) {
    std::error_code file_ec;
    if (entry.is_regular_file(file_ec) && entry.path().extension() == ".npz") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  PldaFiles files;
  for (const std::string& path : paths) {
    try {
      const PldaPart part = check_plda_part(read_npz(path), path);
      std::string& slot = part == PldaPart::kTransform ? files.transform : files.model;
      if (slot.empty()) slot = path;
      else notes.push_back("several " + std::string(plda_part_file_name(part)) + " files in " + folder + "; chose " + slot);
    } catch (const FormatError& e) {
      // A file named like a part of the PLDA is meant as one: say what is wrong with it.
      const std::string name = fs::path(path).filename().string();
      if (name == plda_part_file_name(PldaPart::kTransform) || name == plda_part_file_name(PldaPart::kModel))
        throw ModelError(e.what());
      notes.push_back(std::string("ignored ") + e.what());
    }
  }
  if (files.transform.empty() && files.model.empty()) return std::nullopt;
  if (files.transform.empty() || files.model.empty()) {
    const bool has_transform = !files.transform.empty();
    throw ModelError("incomplete PLDA in " + folder + ": found " + (has_transform ? files.transform : files.model) +
                     " but no " + (has_transform ? "plda.npz (the PLDA model: mu, tr, psi)"
                                                 : "xvec_transform.npz (the x-vector transform: mean1, mean2, lda)") +
                     "; community-1 needs both (docs/models.md)");
  }
  return files;
}

}  // namespace

DiscoveredModels discover_models(const ModelSearch& search) {
  DiscoveredModels models;
  const std::vector<std::string> folders = model_search_folders(search.models_dir);

  if (!search.segmentation.empty()) {
    models.segmentation = recognise_named(search.segmentation, ModelRole::kSegmentation, "--segmentation");
    models.notes.push_back("segmentation: " + search.segmentation + " (--segmentation)");
  } else {
    bool found = false;
    for (const std::string& folder : folders) {
      if (auto d = best_in_folders(folder, ModelRole::kSegmentation, "segmentation", models.notes)) {
        models.segmentation = *d;
        models.notes.push_back("segmentation: " + d->path + " (" + format_name(d->format) + ", found in " + folder + ")");
        found = true;
        break;
      }
    }
    if (!found)
      throw ModelError("no segmentation model found (looked in --segmentation, " + joined(folders) +
                       " and their segmentation/ folders); run ./setup.sh or see docs/models.md for where to get "
                       "segmentation-3.0");
  }

  if (search.embedding == "builtin") {
    models.notes.push_back("embedding: built-in (--embedding builtin)");
    models.builtin_parameters = checked_builtin_parameters(models.notes);
    return models;
  }
  if (!search.embedding.empty()) {
    models.embedding = recognise_named(search.embedding, ModelRole::kEmbedding, "--embedding");
    models.builtin_embedding = false;
    models.notes.push_back("embedding: " + search.embedding + " (--embedding)");
  } else {
    for (const std::string& folder : folders) {
      if (auto d = best_in_folders(folder, ModelRole::kEmbedding, "embedding", models.notes)) {
        models.embedding = *d;
        models.builtin_embedding = false;
        models.notes.push_back("embedding: " + d->path + " (" + format_name(d->format) + ", found in " + folder + ")");
        break;
      }
    }
  }
  if (models.builtin_embedding) {
    models.notes.push_back("embedding: built-in (no embedding model found)");
    models.embedding_not_found = true;
    models.builtin_parameters = checked_builtin_parameters(models.notes);
    return models;
  }

  if (!search.find_plda) return models;
  if (!search.plda_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(search.plda_dir, ec)) throw ModelError("--plda: " + search.plda_dir + " is not a folder");
    models.plda = plda_in_folder(search.plda_dir, models.notes);
    if (!models.plda)
      throw ModelError("--plda: " + search.plda_dir + " holds no PLDA (xvec_transform.npz and plda.npz)");
    models.notes.push_back("plda: " + models.plda->transform + ", " + models.plda->model + " (--plda)");
    return models;
  }
  std::vector<std::string> looked;
  for (const std::string& folder : folders)
    for (const std::string& where : role_folders(folder, "plda")) {
      looked.push_back(where);
      if ((models.plda = plda_in_folder(where, models.notes))) {
        models.notes.push_back("plda: " + models.plda->transform + ", " + models.plda->model + " (found in " + where + ")");
        return models;
      }
    }
  models.notes.push_back("plda: none found (looked in " + joined(looked) + ")");
  return models;
}

}  // namespace diarize
