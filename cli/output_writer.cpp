// Output routing: stdout, one file, or a folder mirroring the inputs.
#include "output_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "errors.h"
#include "output/atomic_file.h"
#include "output/json_output.h"
#include "output/rttm.h"

namespace diarize {

namespace {
bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

OutputWriter::OutputWriter(const RunOptions& options, size_t input_count, bool any_folder_input) : options_(options) {
  if (options.output.empty() || options.output == "-") return;
  const bool looks_like_folder = options.output.back() == '/' || is_directory(options.output);
  if (looks_like_folder) {
    to_folder_ = true;
  } else if (input_count > 1 || any_folder_input) {
    throw UsageError("-o " + options.output + ": several inputs need an output folder (an existing folder, or a path ending in '/')");
  }
  // Found now, not after the work: a file where a folder should be, a folder that cannot be
  // written, a name too long.
  try {
    if (to_folder_)
      check_folder_writable(options.output);
    else
      check_file_writable(options.output);
  } catch (const std::runtime_error& e) {
    throw UsageError("-o " + options.output + ": " + e.what());
  }
}

void OutputWriter::check_names(const std::vector<InputItem>& items) const {
  if (!to_folder_) return;
  for (const InputItem& item : items) {
    const std::string target = target_for(item);
    const size_t slash = target.find_last_of('/');
    const std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    if (name.size() > kMaxNameBytes)
      throw UsageError("-o " + options_.output + ": the output name for " + item.path + " would be longer than " +
                       std::to_string(kMaxNameBytes) + " bytes");
  }
}

std::string OutputWriter::target_for(const InputItem& item) const {
  if (options_.output.empty() || options_.output == "-") return "";
  if (!to_folder_) return options_.output;
  std::string folder = options_.output;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  const char* extension = options_.format == OutputFormat::kJson ? ".json" : ".rttm";
  return folder + "/" + item.relative_stem + extension;
}

std::string OutputWriter::format(const FileResult& result) const {
  if (options_.format == OutputFormat::kJson) return format_json(result) + "\n";
  return format_rttm(result.uri, result.diarization);
}

void OutputWriter::write(const InputItem& item, const FileResult& result) const {
  const std::string text = format(result);
  const std::string target = target_for(item);
  if (target.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  write_file_atomically(target, text);
}

}  // namespace diarize
