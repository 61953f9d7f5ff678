// Options of the main `diarize INPUT...` command, as parsed from the command line.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_api.h"
#include "output/result_formats.h"

namespace diarize {

struct RunOptions {
  std::vector<std::string> inputs;
  std::string files_from;   // --files-from: a list of inputs, one a line ("-" = stdin)
  std::string files_from0;  // --files-from0: a NUL-separated list of inputs ("-" = stdin)
  std::string shard;        // --shard K/N ("" = all inputs), output/shard.h
  std::string output;  // "" = stdout; a file for one input, else a folder
  std::vector<OutputFormat> formats;  // --format; empty: from -o FILE's extension, else RTTM
  std::string transcript;  // --transcript: a file (one input) or a folder of <stem>.srt|.vtt|.json
  std::string uri;     // overrides the uri of a single input
  bool quiet = false;
  bool verbose = false;
  bool skip_existing = false;
  bool exclusive = false;  // print the exclusive diarization (at most one speaker at a time)

  // Models and devices.
  std::string segmentation;  // --segmentation FILE
  std::string embedding;     // --embedding FILE or "builtin"
  std::string models_dir;    // --models DIR
  std::string plda_dir;      // --plda DIR (the community-1 PLDA)
  std::string pipeline;      // --pipeline: "community-1", "3.1", or "" (community-1 when it can run)
  std::string device = "auto";
  bool no_isolation = false;
  double timeout_s = 0.0;             // 0 = none
  int max_accelerator_failures = 3;   // then stay on CPU for the rest of the batch

  EngineConfig engine;  // threads, batch size (paths and device are filled in after discovery)
  JobOptions job;
};

}  // namespace diarize
