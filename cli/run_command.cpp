// Batch driver: expand inputs, decode each in this process, diarize it in an isolated child (or
// in this process with --no-isolation), write its output. One failing input never stops the
// others; a summary line closes a batch.
#include "run_command.h"


#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "audio/audio_decoder.h"
#include "audio/declared_length.h"
#include "engine_config.h"
#include "errors.h"
#include "isolation/fault_injection.h"
#include "isolation/in_process_diarizer.h"
#include "isolation/interrupt_handler.h"
#include "isolation/isolated_diarizer.h"
#include "output/input_discovery.h"
#include "output/input_list.h"
#include "output/shard.h"
#include "output_writer.h"
#include "progress_display.h"
#include "transcript/transcript_reader.h"
#include "transcript_lookup.h"

namespace diarize {

namespace {

// `pipeline` receives what the JSON "pipeline" field will say.
std::unique_ptr<Diarizer> make_diarizer(const RunOptions& options, const FaultPlan& faults, const LogLine& log,
                                        std::string& pipeline) {
  std::vector<std::string> notes;
  bool embedding_not_found = false;
  const EngineConfig engine = resolve_engine_config(options, &notes, &embedding_not_found);
  pipeline = pipeline_label(engine);
  if (options.verbose)
    for (const std::string& note : notes) log("diarize: " + note);
  // Once per run (one diarizer serves the batch), only for a person at a terminal.
  if (embedding_not_found && ProgressDisplay::wanted(options.quiet)) log(kNeuralEmbeddingHint);
  if (options.no_isolation) return std::make_unique<InProcessDiarizer>(engine, options.max_accelerator_failures, log);
  IsolationConfig config;
  config.engine = engine;
  config.timeout_s = options.timeout_s;
  config.max_accelerator_failures = options.max_accelerator_failures;
  config.faults = faults;
  return std::make_unique<IsolatedDiarizer>(std::move(config), log);
}

FileResult to_file_result(const InputItem& item, size_t sample_count, DiarizeOutcome&& outcome,
                          const std::string& pipeline) {
  FileResult result;
  result.uri = item.uri;
  result.file = item.path;
  result.duration_s = static_cast<double>(sample_count) / kPipelineSampleRateHz;
  result.diarization = std::move(outcome.result.diarization);
  result.device = outcome.device;
  result.fallback = outcome.fallback;
  result.embedding = outcome.result.embedding;
  result.pipeline = pipeline;
  result.timings_s = outcome.result.timings_s;
  return result;
}

// Gives the transcript's words their speakers (on the exclusive turns), then writes every format.
void write_result(const OutputWriter& writer, size_t index, const FileResult& result,
                  const std::optional<Transcript>& transcript) {
  if (!transcript) {
    writer.write(index, result, nullptr);
    return;
  }
  const AttributedTranscript attributed = assign_speakers(*transcript, result.diarization.exclusive_turns);
  writer.write(index, result, &attributed);
}

// What libsndfile's decoders printed while decoding (captured, never shown unprefixed), for -v.
void log_library_messages(const LogLine& log, const std::string& path, const std::string& messages) {
  size_t start = 0;
  while (start < messages.size()) {
    size_t end = messages.find('\n', start);
    if (end == std::string::npos) end = messages.size();
    if (end > start) log("diarize: " + path + ": decoder: " + messages.substr(start, end - start));
    start = end + 1;
  }
}

std::string timings_line(const std::string& path, const FileResult& result) {
  std::string line = "diarize: " + path + ": " + result.device;
  char buffer[64];
  for (const auto& [stage, seconds] : result.timings_s) {
    std::snprintf(buffer, sizeof(buffer), ", %s %.3f s", stage.c_str(), seconds);
    line += buffer;
  }
  return line;
}

// The one warning every pipeline shares when it returns fewer speakers than asked for (the neural
// ones keep upstream's behaviour, which may; the built-in one only when the file lacks the evidence,
// docs/cli.md). Empty when the count was met or not asked for.
std::string speaker_count_warning(const std::string& path, const Diarization& diarization, const JobOptions& job) {
  const int asked = job.num_speakers ? job.num_speakers : job.min_speakers;
  if (asked <= 0) return "";
  std::vector<bool> speaks(diarization.labels.size(), false);
  for (const SpeakerTurn& turn : diarization.turns)
    if (turn.speaker >= 0 && static_cast<size_t>(turn.speaker) < speaks.size()) speaks[turn.speaker] = true;
  const int found = static_cast<int>(std::count(speaks.begin(), speaks.end(), true));
  if (found >= asked) return "";
  return "diarize: " + path + ": found only " + std::to_string(found) + " speakers (asked for " +
         (job.num_speakers ? "" : "at least ") + std::to_string(asked) + ")";
}

}  // namespace

int run_diarization(RunOptions& options) {
  std::optional<ShardSpec> shard;
  if (!options.shard.empty()) shard = parse_shard_spec(options.shard);
  if (options.job.min_speakers && options.job.max_speakers && options.job.min_speakers > options.job.max_speakers)
    throw UsageError("--min-speakers is larger than --max-speakers");
  if (options.files_from == "-" && options.files_from0 == "-")
    throw UsageError("--files-from - and --files-from0 - cannot both read stdin");
  if ((options.files_from == "-" || options.files_from0 == "-") &&
      std::count(options.inputs.begin(), options.inputs.end(), "-") > 0)
    throw UsageError("'-' (audio from stdin) cannot be given with --files-from - (the input list is read from stdin)");
  if (std::count(options.inputs.begin(), options.inputs.end(), "-") > 1)
    throw UsageError("'-' (stdin) can be given only once: it can be read only once");
  const bool to_stdout = options.output.empty() || options.output == "-";
  if (options.skip_existing && to_stdout)
    throw UsageError("--skip-existing needs -o: it skips inputs whose output file exists");
  // Checked before any work, so a typo in a test setup fails at once with exit 2.
  const FaultPlan faults = fault_plan_from_environment();

  // Positional inputs first, then each list's entries in list order: list entries are arguments
  // like any other, so they are walked and named alike.
  std::vector<std::string> arguments = options.inputs;
  const bool any_list = !options.files_from.empty() || !options.files_from0.empty();
  if (!options.files_from.empty())
    for (std::string& entry : read_input_list(options.files_from, ListSeparator::kLine)) arguments.push_back(std::move(entry));
  if (!options.files_from0.empty())
    for (std::string& entry : read_input_list(options.files_from0, ListSeparator::kNul)) arguments.push_back(std::move(entry));
  if (arguments.empty()) {
    if (!any_list) throw UsageError("no input given (see diarize --help)");
    // A generated list may well be empty (nothing new to do): like an empty shard, not an error.
    if (!options.quiet) std::fprintf(stderr, "diarize: the input list is empty; nothing to do\n");
    return kExitOk;
  }
  if (!options.uri.empty() && arguments.size() != 1) throw UsageError("--uri needs exactly one input");

  std::vector<std::string> errors;
  std::vector<InputItem> items = expand_inputs(arguments, errors);
  const bool any_folder =
      std::any_of(items.begin(), items.end(), [](const InputItem& item) { return item.from_folder; });
  const OutputWriter writer(options, items, items.size() + errors.size());
  const TranscriptLookup transcripts(options.transcript, items.size() + errors.size() > 1 || any_folder);
  if (!options.uri.empty() && items.size() == 1) items[0].uri = sanitize_uri(options.uri);
  // Chosen after every output was named and checked over the whole list, so every shard names
  // (and refuses) outputs alike.
  const std::vector<size_t> selected = inputs_in_shard(items, shard.value_or(ShardSpec{}));

  InterruptHandler::install();
  ProgressDisplay display(ProgressDisplay::wanted(options.quiet));
  const LogLine log = [&display](const std::string& line) { display.print_line(line); };
  const bool any_json = std::find(writer.formats().begin(), writer.formats().end(), OutputFormat::kJson) != writer.formats().end();
  if (options.job.return_centroids && !any_json && !options.quiet)
    log("diarize: warning: --embeddings has no effect without --format json (centroids are only in JSON)");

  int failed = static_cast<int>(errors.size());
  int skipped = 0;
  for (const auto& error : errors) log("diarize: " + error);
  if (shard && (options.verbose || (selected.empty() && !options.quiet)))
    log("diarize: shard " + options.shard + ": " + std::to_string(selected.size()) + " of " +
        std::to_string(items.size()) + " inputs");

  // Created on the first input that needs it: a batch that is all skipped starts no child.
  std::unique_ptr<Diarizer> diarizer;
  std::string pipeline;  // what the JSON "pipeline" field says: known once the diarizer exists
  const int total_items = static_cast<int>(selected.size());
  for (int position = 0; position < total_items; ++position) {
    const size_t index = selected[static_cast<size_t>(position)];
    const InputItem& item = items[index];
    if (options.skip_existing && writer.all_outputs_exist(index)) {
      if (options.verbose) log("diarize: " + item.path + ": skipped, its output exists");
      ++skipped;
      continue;
    }
    try {
      // Read before the audio, so a bad transcript costs no diarization; in this (LibTorch-free) process.
      std::optional<Transcript> transcript;
      if (transcripts.enabled()) transcript = read_transcript_file(transcripts.path_for(item));
      display.start_file(position + 1, total_items, item.path);
      if (!diarizer) {
        // Before the first decode: a configuration error (no model, a --device the machine
        // lacks) stops the run before any work.
        diarizer = make_diarizer(options, faults, log, pipeline);
        diarizer->prepare();
      }
      size_t sample_count = 0;
      std::unique_ptr<SharedAudio> audio;
      const auto decode_start = std::chrono::steady_clock::now();
      double decode_s = 0.0;
      {
        // Decoded straight into the memfd the child maps: the samples exist once, never twice.
        SharedAudioWriter samples;
        const AudioSourceInfo source = decode_audio_into(item.path, samples);
        const std::string truncated = truncation_warning(source.declared_frames, source.source_frames, source.source_rate_hz);
        if (!truncated.empty() && !options.quiet) log("diarize: " + item.path + ": warning: " + truncated);
        if (options.verbose) log_library_messages(log, item.path, source.library_messages);
        decode_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - decode_start).count();
        sample_count = samples.size();
        if (sample_count == 0) {
          // Not an error: nothing was said, so there are no speakers (and no work for the child).
          if (!options.quiet) log("diarize: " + item.path + ": no audio samples; no speakers");
          DiarizeOutcome empty;
          empty.device = "none";
          // No pipeline ran, so the JSON names none.
          write_result(writer, index, to_file_result(item, 0, std::move(empty), ""), transcript);
          continue;
        }
        audio = samples.finish();
      }
      DiarizeOutcome outcome = diarizer->diarize(item.path, position + 1, *audio, options.job,
                                                 [&display](const ProgressEvent& event) { display.update(event); });
      FileResult result = to_file_result(item, sample_count, std::move(outcome), pipeline);
      result.timings_s["decode"] = decode_s;
      display.clear();
      write_result(writer, index, result, transcript);
      const std::string warning = speaker_count_warning(item.path, result.diarization, options.job);
      if (!warning.empty() && !options.quiet) log(warning);
      if (options.verbose) log(timings_line(item.path, result));
    } catch (const TranscriptError& e) {
      log(std::string("diarize: ") + e.what());  // already "<transcript>:<line>: <reason>"
      ++failed;
    } catch (const InputError& e) {
      log("diarize: " + item.path + ": " + e.what());
      ++failed;
    } catch (const UsageError&) {
      throw;
    } catch (const ModelError&) {
      throw;
    } catch (const StdoutError&) {
      throw;  // every later result would be lost too
    } catch (const std::exception& e) {
      // An output that cannot be written, an audio buffer the kernel refuses: this input only.
      log("diarize: " + item.path + ": " + e.what());
      ++failed;
    }
  }
  diarizer.reset();  // ends the child before the summary, so no process outlives the run

  const int total = total_items + static_cast<int>(errors.size());
  if (total > 1 && (failed > 0 || !options.quiet)) {
    std::string summary = "diarize: " + std::to_string(total - failed - skipped) + " of " + std::to_string(total) +
                          " inputs done";
    if (failed > 0) summary += ", " + std::to_string(failed) + " failed";
    if (skipped > 0) summary += ", " + std::to_string(skipped) + " skipped";
    log(summary);
  }
  return failed > 0 ? kExitInputFailed : kExitOk;
}

}  // namespace diarize
