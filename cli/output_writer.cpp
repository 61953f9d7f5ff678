// Output routing: stdout, one file, or a folder mirroring the inputs (one file per format).
#include "output_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "errors.h"
#include "format_choice.h"
#include "output/atomic_file.h"

namespace diarize {

namespace {
bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

OutputWriter::OutputWriter(const RunOptions& options, size_t input_count, bool any_folder_input) : options_(options) {
  FormatRequest request{options.formats, options.output, false, input_count > 1 || any_folder_input,
                        !options.transcript.empty()};
  if (options.output.empty() || options.output == "-") {
    formats_ = choose_formats(request);
    return;
  }
  const bool looks_like_folder = options.output.back() == '/' || is_directory(options.output);
  if (looks_like_folder) {
    to_folder_ = true;
  } else if (input_count > 1 || any_folder_input) {
    throw UsageError("-o " + options.output + ": several inputs need an output folder (an existing folder, or a path ending in '/')");
  }
  request.to_folder = to_folder_;
  formats_ = choose_formats(request);
}

std::string OutputWriter::target_for(const InputItem& item, OutputFormat format) const {
  if (options_.output.empty() || options_.output == "-") return "";
  if (!to_folder_) return options_.output;
  std::string folder = options_.output;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  return folder + "/" + item.relative_stem + "." + format_info(format).extension;
}

void OutputWriter::write(const InputItem& item, const FileResult& result, const AttributedTranscript* transcript) const {
  const TurnSelection turns = options_.exclusive ? TurnSelection::kExclusive : TurnSelection::kRegular;
  for (const OutputFormat format : formats_) {
    const std::string text = format_result(format, result, turns, transcript);
    const std::string target = target_for(item, format);
    if (target.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    } else {
      write_file_atomically(target, text);
    }
  }
}

}  // namespace diarize
