// Transcript file per input: the one file given, or a <stem>.{srt,vtt,json} lookup in a folder.
#include "transcript_lookup.h"

#include <sys/stat.h>

#include <vector>

#include "errors.h"
#include "output/output_naming.h"

namespace diarize {

namespace {
bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}
}  // namespace

TranscriptLookup::TranscriptLookup(const std::string& option, bool several_inputs) : option_(option) {
  if (option_.empty()) return;
  if (option_ == "-") throw UsageError("--transcript -: a transcript cannot come from stdin (it may carry the audio)");
  folder_ = is_directory(option_);
  if (several_inputs && !folder_)
    throw UsageError("--transcript " + option_ + ": several inputs need a folder of <stem>.srt, .vtt or .json transcripts");
}

std::string TranscriptLookup::path_for(const InputItem& item) const {
  if (!folder_) return option_;
  std::string folder = option_;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  std::vector<std::string> found;
  for (const char* extension : {".srt", ".vtt", ".json"}) {
    const std::string candidate = folder + "/" + output_relative_stem(item) + extension;
    if (exists(candidate)) found.push_back(candidate);
  }
  if (found.empty())
    throw InputError("no transcript " + output_relative_stem(item) + ".srt, .vtt or .json in " + option_);
  if (found.size() > 1) throw InputError("several transcripts: " + found[0] + " and " + found[1]);
  return found[0];
}

}  // namespace diarize
