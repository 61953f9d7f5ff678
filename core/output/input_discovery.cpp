// Recursive, sorted discovery of audio files under folder arguments.
#include "output/input_discovery.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "output/diarization.h"

namespace diarize {

namespace fs = std::filesystem;

bool has_audio_extension(const std::string& path) {
  static const char* extensions[] = {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aiff", ".aif",
                                     ".aifc", ".au", ".snd", ".caf", ".w64", ".rf64", ".sph", ".nist", ".voc"};
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* e : extensions)
    if (ext == e) return true;
  return false;
}

std::vector<InputItem> expand_inputs(const std::vector<std::string>& arguments, std::vector<std::string>& errors) {
  std::vector<InputItem> items;
  for (const std::string& argument : arguments) {
    std::error_code ec;
    if (argument != "-" && fs::is_directory(argument, ec)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(argument, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        errors.push_back(argument + ": cannot list folder: " + ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) break;
        std::error_code file_ec;
        if (it->is_regular_file(file_ec) && has_audio_extension(it->path().string())) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        errors.push_back(argument + ": no audio files found in this folder");
        continue;
      }
      for (const std::string& path : found) {
        InputItem item;
        item.path = path;
        item.folder = argument;
        item.uri = uri_for_path(path);
        item.from_folder = true;
        items.push_back(std::move(item));
      }
    } else {
      InputItem item;
      item.path = argument;
      item.uri = uri_for_path(argument);
      items.push_back(std::move(item));
    }
  }
  return items;
}

}  // namespace diarize
