// --mode fast: the segmentation LSTM's products and the ResNet34 trunk in bfloat16. It meets issue 6's
// fidelity rule against exact mode on a real file (real segmentation model, random-weight ResNet34),
// the bf16 trunk stays within bf16 rounding of the float32 one, and the engine runs fast mode when
// asked. On a CPU without AVX-512 BF16 fast mode is exact mode, and the rule holds trivially.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/audio_decoder.h"
#include "engine/fast_exact_comparison.h"
#include "engine/neural_embeddings.h"
#include "engine/pipeline_engine.h"
#include "engine/segmentation_runner.h"
#include "import/embedding_model_loader.h"
#include "import/segmentation_model_loader.h"
#include "nets/fbank.h"
#include "pipeline/powerset.h"
#include "test_support.h"

using namespace diarize;

namespace {

constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;

WeSpeakerResNet34 random_resnet(TrunkPrecision precision) {
  WeSpeakerResNet34 model = load_embedding_model(test::shared_path("reference/wespeaker_resnet34_random.safetensors"));
  model->set_fast_inference(true, precision);  // as the engine runs it on CPU
  return model;
}

double cosine(const float* a, const float* b, int64_t dim) {
  double dot = 0.0, aa = 0.0, bb = 0.0;
  for (int64_t d = 0; d < dim; ++d) {
    dot += static_cast<double>(a[d]) * b[d];
    aa += static_cast<double>(a[d]) * a[d];
    bb += static_cast<double>(b[d]) * b[d];
  }
  return dot / std::sqrt(aa * bb);
}

}  // namespace

TEST_CASE("fast mode meets the fidelity rule against exact mode on a real file", "[fast]") {
  c10::InferenceMode guard;
  const DecodedAudio audio = decode_audio(test::shared_path("data/pyannote_sample/sample.wav"));
  const int64_t n = static_cast<int64_t>(audio.samples.size());
  const c10::Device cpu(c10::kCPU);
  PyanNet segmentation_model = load_segmentation_model(test::shared_path("models/segmentation-3.0.int8.onnx"));
  PyanNet fast_segmentation_model = load_segmentation_model(test::shared_path("models/segmentation-3.0.int8.onnx"));
  if (!fast_segmentation_model->use_bf16_lstm(true)) WARN("no AVX-512 BF16: the LSTM stays float32");
  WeSpeakerResNet34 exact_model = random_resnet(TrunkPrecision::kFloat32);
  // The engine's rule: bf16 trunk only where the LSTM's bf16 kernels run (AVX-512 BF16); elsewhere fast
  // mode is exact mode and the rule holds trivially.
  const bool bf16 = LstmInference::cpu_has_bf16_kernels();
  WeSpeakerResNet34 fast_model = random_resnet(bf16 ? TrunkPrecision::kBFloat16 : TrunkPrecision::kFloat32);
  const ChunkingConfig exact, fast;  // fast mode keeps 3.1's chunks
  const ChunkFrames exact_segmentation =
      powerset_to_multilabel(run_segmentation(segmentation_model, audio.samples.data(), n, exact, 2, cpu, {}));
  const ChunkFrames fast_segmentation =
      powerset_to_multilabel(run_segmentation(fast_segmentation_model, audio.samples.data(), n, fast, 2, cpu, {}));
  const std::vector<float> exact_embeddings =
      neural_embeddings(exact_model, audio.samples.data(), n, exact_segmentation, exact, 2, cpu, {});
  const std::vector<float> fast_embeddings =
      neural_embeddings(fast_model, audio.samples.data(), n, fast_segmentation, fast, 2, cpu, {});

  const test::PairComparison pairs =
      test::compare_pairs(exact_embeddings, exact, fast_embeddings, fast, n, exact_segmentation.num_columns, kDim);
  REQUIRE(pairs.cosines.size() >= 30);  // 21 chunks of this 30 s file, one or two speakers each
  CHECK(pairs.unmatched_pairs == 0);
  CHECK(pairs.activity_mismatches <= 1);  // the bf16 LSTM may move a decision at a speaker's edge
  const auto good = std::count_if(pairs.cosines.begin(), pairs.cosines.end(), [](double c) { return c >= 0.99; });
  INFO("pairs " << pairs.cosines.size() << ", >= 0.99: " << good << ", min "
                << *std::min_element(pairs.cosines.begin(), pairs.cosines.end()));
  CHECK(static_cast<double>(good) >= 0.99 * static_cast<double>(pairs.cosines.size()));

  const test::FrameAgreement frames = test::compare_frames(exact_segmentation, exact, fast_segmentation, fast, n);
  INFO("frames " << frames.frames << ", same count " << frames.same_count);
  CHECK(frames.frames > 1700);  // 30 s on the 10/589 s grid
  CHECK(frames.count_share() >= 0.995);
  CHECK(frames.speech_share() >= 0.995);
}

TEST_CASE("the bf16 trunk stays within bf16 rounding of the float32 one", "[fast]") {
  if (!LstmInference::cpu_has_bf16_kernels()) {
    // oneDNN's bf16 convolutions need AVX-512 (BW/VL/DQ); the engine never asks for them here.
    // The engine case below checks that fast mode then runs exact mode.
    WARN("this CPU has no AVX-512 BF16: the engine keeps the float32 trunk, nothing to compare");
    return;
  }
  c10::InferenceMode guard;
  WeSpeakerResNet34 float_model = random_resnet(TrunkPrecision::kFloat32);
  WeSpeakerResNet34 bf16_model = random_resnet(TrunkPrecision::kBFloat16);
  const DecodedAudio audio = decode_audio(test::shared_path("data/pyannote_sample/sample.wav"));
  REQUIRE(audio.samples.size() >= 3 * 160000);
  const at::Tensor crops =
      at::from_blob(const_cast<float*>(audio.samples.data()), {3, 160000}, at::TensorOptions().dtype(at::kFloat)).clone();
  const at::Tensor fbank = cmn(compute_fbank(crops));
  const at::Tensor a = float_model->forward(fbank).contiguous(), b = bf16_model->forward(fbank).contiguous();
  REQUIRE(b.scalar_type() == at::kFloat);
  for (int64_t i = 0; i < 3; ++i) {
    const double c = cosine(a[i].data_ptr<float>(), b[i].data_ptr<float>(), kDim);
    INFO("crop " << i << " cosine " << c);
    CHECK(c > 0.999);
    CHECK(c < 1.0 - 1e-9);  // it did run in bf16: float32 and bf16 never agree to the last bit
  }
}

TEST_CASE("the engine runs fast mode when asked and says so", "[fast]") {
  EngineConfig config;
  config.segmentation_path = test::shared_path("models/segmentation-3.0.int8.onnx");
  config.embedding_path = test::shared_path("reference/wespeaker_resnet34_random.safetensors");
  config.pipeline = PipelineKind::kPyannote31;  // the 3.1 goldens (community-1 has its own)
  config.mode = NetworkMode::kFast;
  PipelineEngine engine(config);
  const DecodedAudio audio = decode_audio(test::shared_path("data/pyannote_sample/sample.wav"));
  const EngineResult result = engine.diarize(audio.samples.data(), audio.samples.size(), JobOptions{}, {});
  CHECK(result.embedding.find(LstmInference::cpu_has_bf16_kernels() ? "fast mode (bf16 networks)"
                                                                    : "fast mode (no bf16 on this device: as exact)") !=
        std::string::npos);
  CHECK(result.timings_s.count("embeddings") == 1);
  CHECK(!result.diarization.turns.empty());
}
