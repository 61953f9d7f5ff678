// Model discovery: flags, then folders; recognition by content; preference by format.
#include "engine/model_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "engine/engine_loader.h"
#include "errors.h"
#include "formats/tensor_data.h"

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

namespace {

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

DiscoveredModels discover_models(const ModelSearch& search) {
  DiscoveredModels models;
  const std::vector<std::string> folders = model_search_folders(search.models_dir);

  if (!search.segmentation.empty()) {
    models.segmentation = recognise_named(search.segmentation, ModelRole::kSegmentation, "--segmentation");
    models.notes.push_back("segmentation: " + search.segmentation + " (--segmentation)");
  } else {
    bool found = false;
    for (const std::string& folder : folders) {
      if (auto d = best_in_folder(folder, ModelRole::kSegmentation, models.notes)) {
        models.segmentation = *d;
        models.notes.push_back("segmentation: " + d->path + " (" + format_name(d->format) + ", found in " + folder + ")");
        found = true;
        break;
      }
    }
    if (!found) {
      std::string where;
      for (const std::string& folder : folders) where += (where.empty() ? "" : ", ") + folder;
      throw ModelError("no segmentation model found (looked in --segmentation, " + where +
                       "); run ./setup.sh or see docs/models.md for where to get segmentation-3.0");
    }
  }

  if (search.embedding == "builtin") {
    models.notes.push_back("embedding: built-in (--embedding builtin)");
    return models;
  }
  if (!search.embedding.empty()) {
    models.embedding = recognise_named(search.embedding, ModelRole::kEmbedding, "--embedding");
    models.builtin_embedding = false;
    models.notes.push_back("embedding: " + search.embedding + " (--embedding)");
    return models;
  }
  for (const std::string& folder : folders) {
    if (auto d = best_in_folder(folder, ModelRole::kEmbedding, models.notes)) {
      models.embedding = *d;
      models.builtin_embedding = false;
      models.notes.push_back("embedding: " + d->path + " (" + format_name(d->format) + ", found in " + folder + ")");
      return models;
    }
  }
  models.notes.push_back("embedding: built-in (no embedding model found)");
  models.embedding_not_found = true;
  return models;
}

}  // namespace diarize
