// Expands command-line inputs (files, folders, "-") into the list of audio files to process
// (where each one's output goes: output/output_naming.h).
#pragma once

#include <string>
#include <vector>

namespace diarize {

struct InputItem {
  std::string path;         // as opened ("-" for stdin)
  std::string folder;       // the folder argument it was found under; "" for a file named on its own
  std::string uri;
  bool from_folder = false;  // found by walking a folder argument
};

// Audio file extensions picked up inside folders (case-insensitive).
bool has_audio_extension(const std::string& path);

// Folders are walked recursively; their audio files are sorted by path so runs are
// deterministic. A folder without audio gives an InputError ("no audio files found").
// Files named explicitly are kept whatever their extension. Missing paths are kept too: they
// fail later with a one-line error of their own, without stopping the batch.
std::vector<InputItem> expand_inputs(const std::vector<std::string>& arguments,
                                     std::vector<std::string>& errors);

}  // namespace diarize
