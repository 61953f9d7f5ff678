// The speaker-count options with the built-in embedding on real recordings and the real
// segmentation model (issue #11): --num-speakers N gives exactly N speakers, each with a turn,
// whenever at least N (chunk, local speaker) pairs have 0.5 s of clean speech; --min-speakers and
// --max-speakers bound the count the same way.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "c10/core/Device.h"
#include "engine/segmentation_runner.h"
#include "import/segmentation_model_loader.h"
#include "pipeline/builtin_diarization.h"
#include "pipeline/powerset.h"
#include "test_support.h"

using namespace diarize;

namespace {

// Pairs with at least `min_frames` feature frames (10 ms) in which they alone speak in their chunk.
int eligible_pairs(const ChunkFrames& segmentation, size_t num_samples, const BuiltinEmbeddingConfig& builtin) {
  const MfccConfig& mfcc = builtin.mfcc;
  const int frames = num_samples < static_cast<size_t>(mfcc.frame_length_samples)
                         ? 0
                         : static_cast<int>((num_samples - mfcc.frame_length_samples) / mfcc.frame_shift_samples) + 1;
  const ChunkActivity activity =
      project_segmentation(segmentation_view(segmentation, ChunkingConfig{}), frames,
                           static_cast<double>(mfcc.frame_shift_samples) / mfcc.sample_rate_hz,
                           static_cast<double>(mfcc.frame_length_samples) / mfcc.sample_rate_hz);
  int n = 0;
  for (int clean : member_clean_frames(activity)) n += clean >= builtin.min_speaker_frames;
  return n;
}

// Speakers with a turn inside the audio (the engine cuts turns at the end of the file).
int speakers_with_turns(const Diarization& d, double duration_s) {
  std::set<int> speaking;
  for (const SpeakerTurn& t : d.turns)
    if (t.start_s < duration_s && t.end_s > t.start_s) speaking.insert(t.speaker);
  return static_cast<int>(speaking.size());
}

}  // namespace

TEST_CASE("built-in embedding on real files: the count options hold wherever the file has the evidence",
          "[builtin][count]") {
  PyanNet model = load_segmentation_model(test::shared_path("models/segmentation-3.0.int8.onnx"));
  c10::InferenceMode inference;
  const BuiltinEmbeddingConfig builtin;
  const BuiltinPlda plda = read_builtin_plda(test::builtin_parameters_path(), builtin.mfcc);
  // One voice the segmentation follows in a single track (trn05), two and four voices, a meeting.
  for (const char* file : {"data/ami_excerpts/trn05.wav", "data/ami_excerpts/dev00.wav",
                           "data/pyannote_sample/sample.wav", "data/synthetic_librispeech/synth_4spk_overlap.wav"}) {
    const DecodedAudio audio = decode_audio(test::shared_path(file));
    const ChunkFrames segmentation = powerset_to_multilabel(run_segmentation(
        model, audio.samples.data(), static_cast<int64_t>(audio.samples.size()), ChunkingConfig{}, 4,
        c10::Device(c10::kCPU), {}));
    const int eligible = eligible_pairs(segmentation, audio.samples.size(), builtin);
    auto speakers = [&](const JobOptions& options) {
      const Diarization d = diarize_with_builtin_embedding(segmentation, audio.samples.data(), audio.samples.size(),
                                                           options, plda, PipelineConfig{}, builtin);
      const int found = speakers_with_turns(d, audio.duration_s());
      CHECK(static_cast<int>(d.labels.size()) == found);  // no label without a turn
      return found;
    };
    INFO(file << ": " << eligible << " eligible (chunk, local speaker) pairs");
    REQUIRE(eligible >= 4);
    for (int n : {1, 2, 3, 4, 6}) {
      INFO("--num-speakers " << n);
      JobOptions options;
      options.num_speakers = n;
      const int found = speakers(options);
      if (eligible >= n) CHECK(found == n);
      else CHECK(found <= n);
    }
    for (int n : {2, 4}) {
      INFO("--min-speakers " << n);
      JobOptions options;
      options.min_speakers = n;
      CHECK(speakers(options) >= n);
    }
    for (int n : {1, 2}) {
      INFO("--max-speakers " << n);
      JobOptions options;
      options.max_speakers = n;
      const int found = speakers(options);
      CHECK(found <= n);
      CHECK(found >= 1);
    }
  }
}
