// Batch driver: expand inputs, decode each in this process, diarize it, write its output.
// One failing input never stops the others.
#include "run_command.h"

#include <sys/stat.h>

#include <cstdio>

#include "audio/audio_decoder.h"
#include "engine/engine_loader.h"
#include "errors.h"
#include "output/input_discovery.h"
#include "output_writer.h"

namespace diarize {

namespace {
bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}
}  // namespace

int run_diarization(RunOptions& options) {
  if (options.inputs.empty()) throw UsageError("no input given (see diarize --help)");
  if (!options.uri.empty() && options.inputs.size() != 1) throw UsageError("--uri needs exactly one input");
  if (options.job.min_speakers && options.job.max_speakers && options.job.min_speakers > options.job.max_speakers)
    throw UsageError("--min-speakers is larger than --max-speakers");

  std::vector<std::string> errors;
  std::vector<InputItem> items = expand_inputs(options.inputs, errors);
  bool any_folder = false;
  for (const auto& input : options.inputs) {
    struct stat st {};
    if (input != "-" && ::stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) any_folder = true;
  }
  const OutputWriter writer(options, items.size() + errors.size(), any_folder);
  if (!options.uri.empty() && items.size() == 1) items[0].uri = options.uri;

  int failed = static_cast<int>(errors.size());
  for (const auto& error : errors) std::fprintf(stderr, "diarize: %s\n", error.c_str());

  for (const InputItem& item : items) {
    const std::string target = writer.target_for(item);
    if (options.skip_existing && !target.empty() && file_exists(target)) {
      if (options.verbose) std::fprintf(stderr, "diarize: %s: skipped, %s exists\n", item.path.c_str(), target.c_str());
      continue;
    }
    try {
      DecodedAudio audio = decode_audio(item.path);
      (void)audio;
      throw ModelError("no diarization model is available yet in this build");
    } catch (const InputError& e) {
      std::fprintf(stderr, "diarize: %s: %s\n", item.path.c_str(), e.what());
      ++failed;
    }
  }
  const size_t total = items.size() + errors.size();
  if (failed > 0 && total > 1)
    std::fprintf(stderr, "diarize: %d of %zu inputs failed\n", failed, total);
  return failed > 0 ? kExitInputFailed : kExitOk;
}

}  // namespace diarize
