// Where each input's transcript is (--transcript): with one input, the file given; with several
// inputs (or when the path is a folder), <folder>/<stem>.srt, .vtt or .json, where <stem> is the
// input's output name (its path below a folder argument, without extension).
#pragma once

#include <string>

#include "output/input_discovery.h"

namespace diarize {

class TranscriptLookup {
 public:
  // Throws UsageError for "-" (stdin may carry the audio) and for several inputs with a path
  // that is not a folder. An empty `option` disables the lookup.
  TranscriptLookup(const std::string& option, bool several_inputs);

  bool enabled() const { return !option_.empty(); }

  // The transcript file of `item`. Throws InputError when the folder holds none of
  // <stem>.srt/.vtt/.json, or more than one of them.
  std::string path_for(const InputItem& item) const;

 private:
  std::string option_;
  bool folder_ = false;
};

}  // namespace diarize
