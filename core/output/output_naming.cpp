// Output names inside an output folder and the collision check (see output_naming.h).
#include "output/output_naming.h"

#include <filesystem>
#include <map>

#include "errors.h"

namespace diarize {

namespace fs = std::filesystem;

std::string file_stem(const std::string& path) {
  if (path == "-") return "stdin";
  std::string name = path;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  const size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  return name;
}

std::string output_relative_stem(const InputItem& item) {
  std::string folder_part;
  if (!item.folder.empty()) {
    const fs::path below = fs::path(item.path).lexically_relative(item.folder).parent_path();
    if (!below.empty() && below != ".") folder_part = below.string() + "/";
  }
  return folder_part + file_stem(item.path);
}

std::string output_relative_path(const InputItem& item, const std::string& extension) {
  return output_relative_stem(item) + "." + extension;
}

std::vector<std::vector<std::string>> output_paths_in_folder(const std::vector<InputItem>& items,
                                                             const std::string& folder,
                                                             const std::vector<std::string>& extensions) {
  std::string prefix = folder;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  prefix += "/";
  std::vector<std::vector<std::string>> paths(items.size());
  std::map<std::string, size_t> owner;  // relative output -> index of the input that writes it
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string stem = output_relative_stem(items[i]);
    for (const std::string& extension : extensions) {
      const std::string relative = stem + "." + extension;
      const auto [it, added] = owner.emplace(relative, i);
      if (!added)
        throw UsageError(items[it->second].path + " and " + items[i].path + " would both be written to " + prefix +
                         relative + " (output names: docs/cli.md)");
      paths[i].push_back(prefix + relative);
    }
  }
  // "x.rttm" from x.wav and "x.rttm/y.rttm" from a folder named x.rttm cannot both exist.
  for (const auto& [relative, index] : owner) {
    for (size_t slash = relative.find('/'); slash != std::string::npos; slash = relative.find('/', slash + 1)) {
      const auto clash = owner.find(relative.substr(0, slash));
      if (clash != owner.end())
        throw UsageError(items[clash->second].path + " would be written to " + prefix + clash->first + ", the folder of " +
                         items[index].path + "'s output " + prefix + relative);
    }
  }
  return paths;
}

}  // namespace diarize
