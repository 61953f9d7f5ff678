// Output routing: stdout, one file, or a folder of outputs named by output/output_naming.h.
#include "output_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "errors.h"
#include "output/atomic_file.h"
#include "output/json_output.h"
#include "output/output_naming.h"
#include "output/rttm.h"
#include "stdout_stream.h"

namespace diarize {

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

OutputWriter::OutputWriter(const RunOptions& options, const std::vector<InputItem>& items, size_t input_count)
    : options_(options), targets_(items.size()) {
  if (options.output.empty() || options.output == "-") return;
  const bool any_folder_input = std::any_of(items.begin(), items.end(), [](const InputItem& item) { return item.from_folder; });
  const bool to_folder = options.output.back() == '/' || is_directory(options.output);
  if (!to_folder && (input_count > 1 || any_folder_input))
    throw UsageError("-o " + options.output + ": several inputs need an output folder (an existing folder, or a path ending in '/')");
  try {
    if (to_folder) {
      targets_ = output_paths_in_folder(items, options.output, options.format == OutputFormat::kJson ? "json" : "rttm");
      for (size_t i = 0; i < items.size(); ++i)
        if (name_of(targets_[i]).size() > kMaxNameBytes)
          throw UsageError("the output name for " + items[i].path + " would be longer than " +
                           std::to_string(kMaxNameBytes) + " bytes");
      check_folder_writable(options.output);
    } else {
      std::fill(targets_.begin(), targets_.end(), options.output);
      check_file_writable(options.output);
    }
  } catch (const std::runtime_error& e) {
    // Found now, not after the work: two inputs for one output, a file where a folder should be,
    // a folder that cannot be written, a name too long.
    throw UsageError("-o " + options.output + ": " + e.what());
  }
}

std::string OutputWriter::format(const FileResult& result) const {
  if (options_.format == OutputFormat::kJson) return format_json(result) + "\n";
  return format_rttm(result.uri, result.diarization);
}

void OutputWriter::write(size_t index, const FileResult& result) const {
  const std::string text = format(result);
  const std::string& path = target(index);
  if (path.empty()) {
    write_stdout(text);
    return;
  }
  write_file_atomically(path, text);
}

}  // namespace diarize
