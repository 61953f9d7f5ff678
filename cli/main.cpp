// Entry point of `diarize`: parses the command line and turns every escaping exception into one
// line on stderr and a documented exit code (docs/cli.md).
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "child_main.h"
#include "errors.h"
#include "run_command.h"
#include "run_options.h"
#include "models_command.h"
#include "output/atomic_file.h"
#include "score_command.h"
#include "stdout_stream.h"

using namespace diarize;

namespace {

// "srt,svg" -> {"srt", "svg"}; an empty item stays, so "srt," is reported as unknown.
std::vector<std::string> split_format_list(const std::string& list) {
  std::vector<std::string> names;
  if (list.empty()) return names;
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    names.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

// Option groups of `diarize --help` (and of the man page and completions, docs/diarize.1).
constexpr const char* kGroupInputOutput = "Input and output";
constexpr const char* kGroupSpeakers = "Speakers";
constexpr const char* kGroupPipeline = "Pipeline and models";
constexpr const char* kGroupDevices = "Devices and isolation";

void add_run_options(CLI::App& app, RunOptions& o, std::string& formats) {
  app.add_option("inputs", o.inputs, "Audio files or folders ('-' reads stdin)");

  app.add_option("--files-from", o.files_from,
                 "Also process the inputs listed in FILE, one path a line ('-' = stdin; blank lines and lines "
                 "starting with '#' skipped; folders are walked like folder arguments)")
      ->default_str("none")
      ->group(kGroupInputOutput);
  app.add_option("--files-from0", o.files_from0,
                 "Also process the inputs listed in FILE, NUL-separated as `find -print0` writes them ('-' = stdin)")
      ->default_str("none")
      ->group(kGroupInputOutput);
  app.add_option("--shard", o.shard,
                 "Process only shard K of N (1-based, e.g. 2/3): the inputs whose output name hashes to K; "
                 "N workers with 1/N..N/N together process every input once (docs/scale-out.md)")
      ->default_str("1/1")
      ->group(kGroupInputOutput);
  app.add_option("-o,--output", o.output, "Output file (one input) or folder (ends in '/' or exists)")
      ->default_str("stdout")
      ->group(kGroupInputOutput);
  app.add_option("-f,--format", formats,
                 "Output format(s), comma-separated: rttm json srt vtt txt tsv audacity svg "
                 "(default: from -o FILE's extension, else rttm; several need -o DIR/)")
      ->default_str("rttm")
      ->check([](const std::string& value) -> std::string {
        for (const std::string& name : split_format_list(value))
          if (!format_by_name(name)) return "unknown format '" + name + "' (rttm json srt vtt txt tsv audacity svg)";
        return "";
      })
      ->group(kGroupInputOutput);
  app.add_option("--transcript", o.transcript,
                 "A speech recogniser's transcript (SRT, WebVTT, whisper.cpp/Whisper/WhisperX JSON) to put speakers "
                 "on; with several inputs a folder of <stem>.srt|.vtt|.json")
      ->default_str("none")
      ->group(kGroupInputOutput);
  app.add_option("--uri", o.uri, "RTTM file id for a single input ('stdin' for -)")
      ->default_str("file stem")
      ->check([](const std::string& uri) { return uri.empty() ? std::string("must not be empty") : std::string(); })
      ->group(kGroupInputOutput);
  app.add_flag("-q,--quiet", o.quiet, "Print nothing on stderr but errors")->group(kGroupInputOutput);
  app.add_flag("-v,--verbose", o.verbose, "Report choices and per-stage timings on stderr")->group(kGroupInputOutput);
  app.add_flag("--skip-existing", o.skip_existing, "Skip inputs whose output files all exist (needs -o)")
      ->group(kGroupInputOutput);

  app.add_option("--num-speakers", o.job.num_speakers, "Exact number of speakers")
      ->default_str("estimated")
      ->check(CLI::Range(1, 1000))
      ->group(kGroupSpeakers);
  app.add_option("--min-speakers", o.job.min_speakers, "Minimum number of speakers")
      ->default_str("1")
      ->check(CLI::Range(1, 1000))
      ->group(kGroupSpeakers);
  app.add_option("--max-speakers", o.job.max_speakers, "Maximum number of speakers")
      ->default_str("no bound")
      ->check(CLI::Range(1, 1000))
      ->group(kGroupSpeakers);
  app.add_flag("--exclusive", o.exclusive, "At most one speaker at a time (for aligning with transcripts)")
      ->group(kGroupSpeakers);
  app.add_flag("--embeddings", o.job.return_centroids, "Include speaker centroids in JSON output")->group(kGroupSpeakers);

  app.add_option("--segmentation", o.segmentation, "Segmentation model file")
      ->default_str("discovered")
      ->group(kGroupPipeline);
  app.add_option("--embedding", o.embedding, "Speaker-embedding model file, or 'builtin'")
      ->default_str("discovered, else builtin")
      ->group(kGroupPipeline);
  app.add_option("--models", o.models_dir, "Folder to look for models in first")
      ->default_str("none")
      ->group(kGroupPipeline);
  app.add_option("--plda", o.plda_dir, "Folder holding the community-1 PLDA (xvec_transform.npz, plda.npz)")
      ->default_str("discovered")
      ->group(kGroupPipeline);
  app.add_option("--pipeline", o.pipeline,
                 "community-1 (VBx + PLDA, pyannote 4's default) or 3.1; default: community-1 when an embedding "
                 "model and a PLDA are found, else 3.1")
      ->default_str("auto")
      ->check(CLI::IsMember({"community-1", "3.1"}))
      ->group(kGroupPipeline);
  app.add_option_function<std::string>(
         "--mode", [&o](const std::string& mode) { o.engine.mode = mode == "fast" ? NetworkMode::kFast : NetworkMode::kExact; },
         "exact: pyannote's numbers; fast: the networks in bf16 where the CPU has AVX-512 BF16, "
         "about 2x faster with a ResNet34, close to exact but not equal (docs/cli.md)")
      ->default_str("exact")
      ->check(CLI::IsMember({"exact", "fast"}))
      ->group(kGroupPipeline);

  app.add_option("--device", o.device, "Where the networks run (auto: CUDA, then MPS, then CPU)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda", "mps"}))
      ->group(kGroupDevices);
  app.add_option("--threads", o.engine.threads, "CPU threads for the networks (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024))
      ->group(kGroupDevices);
  app.add_option("--batch-size", o.engine.batch_size, "Chunks per network batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024))
      ->group(kGroupDevices);
  app.add_flag("--no-isolation", o.no_isolation, "Run the networks in this process instead of a child")
      ->group(kGroupDevices);
  app.add_option("--timeout", o.timeout_s,
                 "Seconds one attempt at one input may take once the engine is ready; then it is cut, and retried "
                 "on CPU if it ran on an accelerator (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9))
      ->group(kGroupDevices);
  app.add_option("--max-accelerator-failures", o.max_accelerator_failures,
                 "Accelerator failures after which the rest of the batch runs on CPU")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000))
      ->group(kGroupDevices);
}

// The end of `diarize --help`: exit codes (docs/cli.md) and three examples.
constexpr const char* kHelpFooter = R"(Exit codes:
  0    success (a silent input is a success with no speakers)
  1    at least one input failed (each has its own line), or stdout could not be written
  2    usage error (bad option or value, clashing outputs, unwritable -o)
  3    model or configuration error (no model, damaged model, incomplete PLDA, missing device)
  130  interrupted (SIGINT); 143: terminated (SIGTERM); no partial output is left
  141  stdout's reader went away (diarize ... | head)

Examples:
  diarize meeting.wav                          RTTM on stdout
  diarize -f json,srt -o out/ recordings/      JSON and subtitles for a folder, mirrored into out/
  diarize --num-speakers 2 --transcript call.srt -f srt call.flac > call.speakers.srt

More: man diarize, docs/cli.md, diarize score --help, diarize models --help)";

// "diarize", "diarize score", "diarize models info": the (sub)command whose help explains the
// error at hand (the deepest one the parser entered).
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  while (true) {
    const std::vector<const CLI::App*> entered = current->get_subcommands([](const CLI::App*) { return true; });
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : entered)
      if (sub->parsed()) next = sub;
    if (!next) return path;
    path += " " + next->get_name();
    current = next;
  }
}

// What the main command got besides a subcommand: its inputs or options ("" if none).
std::string main_command_arguments(const CLI::App& app, const RunOptions& options) {
  if (!options.inputs.empty()) return "'" + options.inputs.front() + "'";
  for (const CLI::Option* option : app.get_options())
    if (option->count() > 0 && option->get_name() != "--help" && option->get_name() != "--version")
      return option->get_name();
  return "";
}

// --help and --version: their text goes through the checked stdout writer like any result.
int print_and_exit(const CLI::App& app, const CLI::Error& e) {
  std::ostringstream out, err;
  const int code = app.exit(e, out, err);
  write_stdout(out.str());
  std::fputs(err.str().c_str(), stderr);
  return code;
}

// Parses the command line and runs the command; exceptions that concern the whole run become
// one line and an exit code here.
int run(int argc, char** argv) {
  RunOptions options;
  std::string formats;
  CLI::App app{"diarize: who spoke when. Prints RTTM (or JSON, subtitles, a transcript with speakers, a timeline "
               "picture) for each audio input.",
               "diarize"};
  app.set_version_flag("-V,--version", std::string("diarize ") + DIARIZE_VERSION);
  app.footer(kHelpFooter);
  add_run_options(app, options, formats);
  ScoreOptions score_options;
  CLI::App* score = add_score_command(app, score_options);
  ModelsOptions models_options;
  const ModelsCommand models = add_models_command(app, models_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return print_and_exit(app, e);
  } catch (const CLI::CallForAllHelp& e) {
    return print_and_exit(app, e);
  } catch (const CLI::CallForVersion& e) {
    return print_and_exit(app, e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "diarize: %s (see %s --help)\n", e.what(), command_path(app).c_str());
    return kExitUsage;
  }
  if (score->parsed() || models.models->parsed()) {
    // `diarize x.wav score ...` would otherwise score and silently drop x.wav.
    const std::string before = main_command_arguments(app, options);
    if (!before.empty()) {
      std::fprintf(stderr, "diarize: subcommands come first: %s was given before '%s' (see diarize --help)\n",
                   before.c_str(), (score->parsed() ? score : models.models)->get_name().c_str());
      return kExitUsage;
    }
  }

  try {
    if (score->parsed()) return run_score(score_options);
    if (models.models->parsed()) return run_models(models, models_options);
    for (const std::string& name : split_format_list(formats)) options.formats.push_back(format_by_name(name)->format);
    return run_diarization(options);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "diarize: %s\n", e.what());
    return kExitUsage;
  } catch (const ModelError& e) {
    std::fprintf(stderr, "diarize: %s\n", e.what());
    return kExitModel;
  } catch (const StdoutError&) {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "diarize: %s\n", e.what());
    return kExitInputFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The isolated worker shares this executable but none of its command line.
  if (argc >= 2 && std::string(argv[1]) == "--child") return child_main(argc, argv);
  // A closed stdout pipe must be an error we handle (end the child, remove temporary files), not a
  // signal that kills this process mid-way.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const int code = run(argc, argv);
    finish_stdout();
    return code;
  } catch (const StdoutError& e) {
    // By now the child is ended (its owner was unwound); an output being written is not finished.
    remove_registered_temp_files();
    // A reader that went away (`| head`) wants no more and no message, as with any Unix filter.
    if (e.error_number == EPIPE) return kExitBrokenPipe;
    std::fprintf(stderr, "diarize: stdout: %s\n", std::strerror(e.error_number));
    return kExitInputFailed;
  }
}
