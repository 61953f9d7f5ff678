// --mode fast (engine/streamed_embeddings.h): the trunk's receptive field is what the block margins
// assume, blocks reproduce one whole-file pass, and the fidelity rule of issue 6 holds on real audio
// with the real segmentation model and the random-weight ResNet34.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/audio_decoder.h"
#include "engine/neural_embeddings.h"
#include "engine/pipeline_engine.h"
#include "engine/segmentation_runner.h"
#include "engine/streamed_embeddings.h"
#include "import/embedding_model_loader.h"
#include "import/segmentation_model_loader.h"
#include "pipeline/powerset.h"
#include "test_support.h"
#include "engine/pair_cosines.h"

using namespace diarize;

namespace {

constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;

WeSpeakerResNet34 random_resnet() {
  WeSpeakerResNet34 model = load_embedding_model(test::shared_path("reference/wespeaker_resnet34_random.safetensors"));
  model->set_fast_inference(true);  // as the engine runs it on CPU
  return model;
}


struct RealFile {
  DecodedAudio audio;
  ChunkFrames segmentation;
};

const RealFile& sample_file() {
  static const RealFile file = [] {
    RealFile f;
    f.audio = decode_audio(test::shared_path("data/pyannote_sample/sample.wav"));
    PyanNet model = load_segmentation_model(test::shared_path("models/segmentation-3.0.int8.onnx"));
    const int64_t n = static_cast<int64_t>(f.audio.samples.size());
    f.segmentation = powerset_to_multilabel(
        run_segmentation(model, f.audio.samples.data(), n, chunk_layout(n), 32, c10::Device(c10::kCPU), {}));
    return f;
  }();
  return file;
}

}  // namespace

TEST_CASE("the trunk's receptive field is the one the block margins assume", "[fast]") {
  c10::InferenceMode guard;
  WeSpeakerResNet34 model = random_resnet();
  REQUIRE(trunk_receptive_field_frames() == 225);
  // Perturb one fbank frame; only trunk frames whose centre (8 u) lies within 112 frames may change,
  // and the nearest ones must (else the field would be overestimated and the test vacuous).
  const at::Tensor input = at::randn({1, 400, 80}, at::TensorOptions().dtype(at::kFloat));
  at::Tensor perturbed = input.clone();
  constexpr int64_t kFrame = 200;
  perturbed[0][kFrame] += 5.0;
  const at::Tensor changed = (model->trunk(perturbed) - model->trunk(input)).abs().amax(1)[0];  // [50]
  const int64_t half = trunk_receptive_field_frames() / 2;
  for (int64_t u = 0; u < changed.size(0); ++u) {
    INFO("trunk frame " << u);
    if (std::abs(8 * u - kFrame) > half) CHECK(changed[u].item<float>() == 0.0f);
  }
  CHECK(changed[kFrame / 8].item<float>() > 0.0f);
  CHECK(changed[(kFrame + half) / 8 - 1].item<float>() > 0.0f);  // near the far edge of the field
}

TEST_CASE("fast-mode blocks reproduce one whole-file trunk pass", "[fast]") {
  c10::InferenceMode guard;
  WeSpeakerResNet34 model = random_resnet();
  const RealFile& f = sample_file();
  const int64_t n = static_cast<int64_t>(f.audio.samples.size());
  const c10::Device cpu(c10::kCPU);
  for (FastAlignment alignment : {FastAlignment::kSplitWeights, FastAlignment::kSecondGrid}) {
    StreamedEmbeddingConfig one_pass, blocks;
    one_pass.block_s = 3600.0;
    one_pass.alignment = blocks.alignment = alignment;
    blocks.block_s = 4.0;  // 50 trunk frames: many seams, chunks spanning several blocks
    blocks.blocks_per_batch = 3;
    const std::vector<float> whole = streamed_embeddings(model, f.audio.samples.data(), n, f.segmentation, one_pass, cpu, {});
    const std::vector<float> pieces = streamed_embeddings(model, f.audio.samples.data(), n, f.segmentation, blocks, cpu, {});
    const std::vector<double> cosines = test::pair_cosines(whole, pieces, kDim);
    REQUIRE(cosines.size() > 20);
    // The sliding normalisation is per frame, independent of blocks, so only summation order differs
    // (oneDNN may block the convolutions differently for different lengths): float rounding, 1e-5.
    CHECK(*std::min_element(cosines.begin(), cosines.end()) > 1.0 - 1e-5);
  }
}

TEST_CASE("fast mode meets the fidelity rule against exact mode on a real file", "[fast]") {
  c10::InferenceMode guard;
  WeSpeakerResNet34 model = random_resnet();
  const RealFile& f = sample_file();
  const int64_t n = static_cast<int64_t>(f.audio.samples.size());
  const c10::Device cpu(c10::kCPU);
  const std::vector<float> exact = neural_embeddings(model, f.audio.samples.data(), n, f.segmentation, 2, cpu, {});
  const std::vector<float> fast =
      streamed_embeddings(model, f.audio.samples.data(), n, f.segmentation, StreamedEmbeddingConfig{}, cpu, {});
  std::vector<double> cosines = test::pair_cosines(exact, fast, kDim);
  REQUIRE(cosines.size() >= 30);  // the 30 s sample has 21 chunks with one or two speakers each
  // Issue 6's rule: cosine >= 0.99 for at least 99 % of the (chunk, speaker) pairs. It holds on this
  // file (all 41 pairs >= 0.9928) but NOT in general: 89 % of pairs over the AMI excerpts, the
  // synthetic conversations and 10 minutes of LibriSpeech (docs/benchmarks.md, fast mode). So this
  // guards the approximation against getting worse; it does not show that the rule is met.
  const auto good = std::count_if(cosines.begin(), cosines.end(), [](double c) { return c >= 0.99; });
  INFO("pairs " << cosines.size() << ", >= 0.99: " << good << ", min " << *std::min_element(cosines.begin(), cosines.end()));
  CHECK(static_cast<double>(good) >= 0.99 * static_cast<double>(cosines.size()));
}

TEST_CASE("the engine runs fast mode when asked and says so", "[fast]") {
  EngineConfig config;
  config.segmentation_path = test::shared_path("models/segmentation-3.0.int8.onnx");
  config.embedding_path = test::shared_path("reference/wespeaker_resnet34_random.safetensors");
  config.mode = EmbeddingMode::kFast;
  PipelineEngine engine(config);
  const RealFile& f = sample_file();
  const EngineResult result = engine.diarize(f.audio.samples.data(), f.audio.samples.size(), JobOptions{}, {});
  CHECK(result.embedding.find("fast mode") != std::string::npos);
  CHECK(result.timings_s.count("embeddings") == 1);
  CHECK(!result.diarization.turns.empty());
}
