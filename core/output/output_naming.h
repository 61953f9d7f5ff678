// Where each input's output goes inside an output folder, the one rule for every way of naming
// inputs (arguments, folders, file lists): a file named on its own ("-" included) gives
// "<stem>.<extension>"; a file found under a folder argument keeps its path below that folder,
// with its extension replaced. Two inputs that would share an output are a usage error, found
// before any work (docs/cli.md, "Output names").
#pragma once

#include <string>
#include <vector>

#include "output/input_discovery.h"

namespace diarize {

// The file name without its folder and its last extension ("talks/a.b.wav" -> "a.b"; a leading
// dot is not an extension: ".wav" -> ".wav"); "stdin" for "-". Bytes are kept as they are.
std::string file_stem(const std::string& path);

// The output of `item` relative to the output folder, without the extension: "<stem>" or
// "<path below the folder argument, extension dropped>". Files that go with an input (a
// transcript in a folder) are looked up by the same name.
std::string output_relative_stem(const InputItem& item);

// The same with `extension`, which has no leading dot and may itself contain dots ("rttm",
// "json", "labels.txt").
std::string output_relative_path(const InputItem& item, const std::string& extension);

// The output paths of all `items` inside `folder`, one per extension (one per output format):
// paths[i][k] is items[i]'s output with extensions[k]. Throws UsageError naming both inputs when
// two outputs (of any inputs and formats) are one file, or when one output would have to be a
// folder on the path of another.
std::vector<std::vector<std::string>> output_paths_in_folder(const std::vector<InputItem>& items,
                                                             const std::string& folder,
                                                             const std::vector<std::string>& extensions);

}  // namespace diarize
