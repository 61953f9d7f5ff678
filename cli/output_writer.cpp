// Output routing: stdout, one file, or a folder of outputs named by output/output_naming.h (one
// file per input and format).
#include "output_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "errors.h"
#include "format_choice.h"
#include "output/atomic_file.h"
#include "output/output_naming.h"
#include "stdout_stream.h"

namespace diarize {

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

OutputWriter::OutputWriter(const RunOptions& options, const std::vector<InputItem>& items, size_t input_count)
    : options_(options) {
  const bool any_folder_input = std::any_of(items.begin(), items.end(), [](const InputItem& item) { return item.from_folder; });
  FormatRequest request{options.formats, options.output, false, input_count > 1 || any_folder_input,
                        !options.transcript.empty()};
  const bool to_stdout = options.output.empty() || options.output == "-";
  const bool to_folder = !to_stdout && (options.output.back() == '/' || is_directory(options.output));
  if (!to_stdout && !to_folder && (input_count > 1 || any_folder_input))
    throw UsageError("-o " + options.output + ": several inputs need an output folder (an existing folder, or a path ending in '/')");
  request.to_folder = to_folder;
  formats_ = choose_formats(request);
  if (to_stdout) {
    targets_.assign(items.size(), std::vector<std::string>(formats_.size()));
    return;
  }
  try {
    if (to_folder) {
      std::vector<std::string> extensions;
      for (const OutputFormat format : formats_) extensions.push_back(format_info(format).extension);
      targets_ = output_paths_in_folder(items, options.output, extensions);
      for (size_t i = 0; i < items.size(); ++i)
        for (const std::string& target : targets_[i])
          if (name_of(target).size() > kMaxNameBytes)
            throw UsageError("the output name " + name_of(target) + " for " + items[i].path + " is longer than " +
                             std::to_string(kMaxNameBytes) + " bytes");
      check_folder_writable(options.output);
    } else {
      targets_.assign(items.size(), std::vector<std::string>(formats_.size(), options.output));
      check_file_writable(options.output);
    }
  } catch (const std::runtime_error& e) {
    // Found now, not after the work: two inputs for one output, a file where a folder should be,
    // a folder that cannot be written, a name too long.
    throw UsageError("-o " + options.output + ": " + e.what());
  }
}

bool OutputWriter::all_outputs_exist(size_t index) const {
  for (const std::string& target : targets_[index])
    if (target.empty() || !file_exists(target)) return false;
  return true;
}

void OutputWriter::write(size_t index, const FileResult& result, const AttributedTranscript* transcript) const {
  const TurnSelection turns = options_.exclusive ? TurnSelection::kExclusive : TurnSelection::kRegular;
  for (size_t k = 0; k < formats_.size(); ++k) {
    const std::string text = format_result(formats_[k], result, turns, transcript);
    const std::string& path = target(index, k);
    if (path.empty())
      write_stdout(text);
    else
      write_file_atomically(path, text);
  }
}

}  // namespace diarize
