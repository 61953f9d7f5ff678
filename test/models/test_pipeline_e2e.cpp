// End to end through the engine with the real segmentation model and the random-weight ResNet34:
// diarize's RTTM equals upstream pyannote 3.1.1's whole-file RTTMs (reference/e2e) within the
// file's duration, turn for turn to the printed millisecond.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <catch2/catch.hpp>

#include <sstream>

#include "audio/audio_decoder.h"
#include "engine/pipeline_engine.h"
#include "output/rttm.h"
#include "test_support.h"

using namespace diarize;

namespace {

// Upstream does not crop turns to the file; diarize does. Compare within the duration.
std::string cropped_rttm(const std::string& text, double duration_s) {
  std::istringstream in(text);
  std::string out;
  char line[256];
  for (const RttmTurn& t : parse_rttm(in, "rttm")) {
    if (t.start_s >= duration_s) continue;
    const double end = std::min(t.end_s(), duration_s);
    std::snprintf(line, sizeof(line), "SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>\n", t.uri.c_str(), t.start_s,
                  end - t.start_s, t.speaker.c_str());
    out += line;
  }
  return out;
}

}  // namespace

TEST_CASE("engine reproduces upstream 3.1.1 whole-file RTTMs (random ResNet34)", "[e2e]") {
  EngineConfig config;
  config.segmentation_path = test::shared_path("models/segmentation-3.0.int8.onnx");
  config.embedding_path = test::shared_path("reference/wespeaker_resnet34_random.safetensors");
  config.pipeline = PipelineKind::kPyannote31;  // the 3.1 goldens (community-1 has its own)
  PipelineEngine engine(config);

  struct Case {
    const char* audio;
    const char* uri;
    const char* golden;
    JobOptions options;
  };
  JobOptions defaults, num2, max1;
  num2.num_speakers = 2;
  max1.max_speakers = 1;
  const Case cases[] = {
      {"data/pyannote_sample/sample.wav", "sample", "reference/e2e/sample.default.rttm", defaults},
      {"data/pyannote_sample/sample.wav", "sample", "reference/e2e/sample.num2.rttm", num2},
      {"data/pyannote_sample/sample.wav", "sample", "reference/e2e/sample.max1.rttm", max1},
      {"data/synthetic_librispeech/synth_3spk_overlap.wav", "synth_3spk_overlap",
       "reference/e2e/synth_3spk_overlap.default.rttm", defaults},
  };
  for (const Case& c : cases) {
    SECTION(c.golden) {
      const DecodedAudio audio = decode_audio(test::shared_path(c.audio));
      const EngineResult result = engine.diarize(audio.samples.data(), audio.samples.size(), c.options, {});
      const std::string ours = format_rttm(c.uri, result.diarization);
      const std::string golden = cropped_rttm(test::read_text_file(test::shared_path(c.golden)), audio.duration_s());
      REQUIRE_FALSE(golden.empty());
      CHECK(ours == golden);
    }
  }
}
