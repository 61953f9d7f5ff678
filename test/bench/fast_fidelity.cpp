// Fidelity (and network time) of `--mode fast` against exact mode on real audio: per file, the real
// segmentation model and the random-weight ResNet34 run once as exact mode does (float32 trunk) and
// once as fast mode does (--bf16: bf16 trunk; --bf16-lstm: and the segmentation LSTM's products in
// bf16), each followed by the rest of the 3.1 pipeline. --step S
// measures a variant that also spaces the chunks S seconds apart instead of 1 s (measured and
// rejected for fast mode: docs/benchmarks.md). Prints per file and over all files:
//   - pairs: (chunk, speaker) pairs active in a fast chunk and in the exact chunk with the same
//     samples (all chunks at step 1); cosine quantiles of their fast against exact embeddings and the share >= 0.99 (the
//     rule of issue 6: 99 % of pairs); pairs in a fast chunk without exact counterpart (the padded
//     last chunk for some lengths) and pairs active in one mode only are counted apart;
//   - frames: agreement of the per-frame speaker count and of speech/no speech (the rule: 99.5 %);
//   - DER of the fast diarization scored against the exact one (collar 0, overlap scored);
//   - network seconds of each mode (segmentation + embeddings).
// Not a test: it measures and prints.
//
//   fast_fidelity [--segmentation M] [--embedding M] [--threads N] [--step S] [--bf16] [--bf16-lstm] AUDIO...
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "engine/fast_exact_comparison.h"
#include "engine/neural_embeddings.h"
#include "engine/segmentation_runner.h"
#include "import/embedding_model_loader.h"
#include "import/segmentation_model_loader.h"
#include "nets/inference_allocator.h"
#include "nets/torch_threads.h"
#include "pipeline/diarize_pipeline.h"
#include "pipeline/powerset.h"
#include "scoring/der.h"
#include "test_support.h"

using namespace diarize;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;

std::vector<RttmTurn> to_rttm(const Diarization& d) {
  std::vector<RttmTurn> turns;
  for (const SpeakerTurn& t : d.turns)
    turns.push_back(RttmTurn{"f", 1, t.start_s, t.end_s - t.start_s, d.labels[static_cast<size_t>(t.speaker)]});
  return turns;
}

struct Summary {
  test::PairComparison pairs;
  test::FrameAgreement frames;
  FileScore score;
  double exact_s = 0.0, fast_s = 0.0;
};

void print_summary(const std::string& what, Summary s) {
  std::vector<double>& c = s.pairs.cosines;
  std::sort(c.begin(), c.end());
  auto q = [&](double p) { return c.empty() ? NAN : c[static_cast<size_t>(std::floor(p * static_cast<double>(c.size() - 1)))]; };
  const double good =
      c.empty() ? NAN : static_cast<double>(std::count_if(c.begin(), c.end(), [](double x) { return x >= 0.99; })) / c.size();
  const std::optional<double> der = der_percent(s.score);
  std::printf("%-26s pairs %6zu (+%lld unmatched, %lld one-sided)  cos min %.5f p1 %.5f med %.6f  >=0.99 %6.2f %%  "
              "frames %8lld count %6.2f %% speech %6.2f %%  DER(fast|exact) %5.2f %%  net s exact %.1f fast %.1f (x%.2f)\n",
              what.c_str(), c.size(), static_cast<long long>(s.pairs.unmatched_pairs),
              static_cast<long long>(s.pairs.activity_mismatches), q(0.0), q(0.01), q(0.5), 100.0 * good,
              static_cast<long long>(s.frames.frames), 100.0 * s.frames.count_share(), 100.0 * s.frames.speech_share(),
              der ? *der : 0.0, s.exact_s, s.fast_s, s.fast_s > 0 ? s.exact_s / s.fast_s : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string segmentation_path, embedding_path;
  int threads = 0;
  double step_s = 1.0;
  bool bf16 = false, bf16_lstm = false;
  std::vector<std::string> inputs;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--segmentation") segmentation_path = value();
      else if (arg == "--embedding") embedding_path = value();
      else if (arg == "--threads") threads = std::stoi(value());
      else if (arg == "--step") step_s = std::stod(value());
      else if (arg == "--bf16") bf16 = true;
      else if (arg == "--bf16-lstm") bf16_lstm = true;
      else if (!arg.empty() && arg[0] == '-') throw std::invalid_argument("unknown option " + arg);
      else inputs.push_back(arg);
    }
    if (inputs.empty()) throw std::invalid_argument("no audio files given");
    if (segmentation_path.empty()) segmentation_path = test::shared_path("models/segmentation-3.0.int8.onnx");
    if (embedding_path.empty()) embedding_path = test::shared_path("reference/wespeaker_resnet34_random.safetensors");

    configure_torch_threads(threads);
    keep_network_buffers_mapped();  // as the engine does
    c10::InferenceMode inference_mode;
    PyanNet exact_segmentation_model = load_segmentation_model(segmentation_path);
    PyanNet fast_segmentation_model = load_segmentation_model(segmentation_path);
    if (bf16_lstm && !fast_segmentation_model->use_bf16_lstm(true))
      throw std::invalid_argument("--bf16-lstm: this CPU has no AVX-512 BF16");
    WeSpeakerResNet34 exact_model = load_embedding_model(embedding_path);
    exact_model->set_fast_inference(true);  // as the engine does on CPU
    WeSpeakerResNet34 fast_model = load_embedding_model(embedding_path);
    fast_model->set_fast_inference(true, bf16 ? TrunkPrecision::kBFloat16 : TrunkPrecision::kFloat32);
    const c10::Device cpu(c10::kCPU);

    PipelineConfig exact, fast;
    fast.chunking.step_samples = static_cast<int64_t>(std::lround(step_s * exact.chunking.sample_rate_hz));
    std::printf("fast mode: step %.2f s, trunk %s, segmentation LSTM %s\n", step_s, bf16 ? "bf16" : "float32",
                bf16_lstm ? "bf16" : "float32");

    Summary total;
    std::vector<Summary> files;
    for (const std::string& input : inputs) {
      const DecodedAudio audio = decode_audio(input);
      const int64_t n = static_cast<int64_t>(audio.samples.size());
      const float* x = audio.samples.data();
      Summary s;
      auto run = [&](PyanNet& segmentation_model, WeSpeakerResNet34& model, const PipelineConfig& config, double& seconds, ChunkFrames& segmentation,
                     std::vector<float>& embeddings) {
        const auto t0 = Clock::now();
        segmentation = powerset_to_multilabel(run_segmentation(segmentation_model, x, n, config.chunking, 4, cpu, {}));
        embeddings = neural_embeddings(model, x, n, segmentation, config.chunking, 2, cpu, {});
        seconds = seconds_since(t0);
        return diarize_from_segmentation(segmentation, embeddings, kDim, JobOptions{}, config);
      };
      ChunkFrames exact_segmentation, fast_segmentation;
      std::vector<float> exact_embeddings, fast_embeddings;
      const Diarization exact_diarization = run(exact_segmentation_model, exact_model, exact, s.exact_s, exact_segmentation, exact_embeddings);
      const Diarization fast_diarization = run(fast_segmentation_model, fast_model, fast, s.fast_s, fast_segmentation, fast_embeddings);
      s.pairs = test::compare_pairs(exact_embeddings, exact.chunking, fast_embeddings, fast.chunking, n,
                                    exact_segmentation.num_columns, kDim);
      s.frames = test::compare_frames(exact_segmentation, exact.chunking, fast_segmentation, fast.chunking, n);
      const std::string name = input.substr(input.find_last_of('/') + 1);
      s.score = score_file(name, to_rttm(exact_diarization), to_rttm(fast_diarization), nullptr, ScoringOptions{});
      print_summary(name, s);
      std::fflush(stdout);
      total.pairs.cosines.insert(total.pairs.cosines.end(), s.pairs.cosines.begin(), s.pairs.cosines.end());
      total.pairs.unmatched_pairs += s.pairs.unmatched_pairs;
      total.pairs.activity_mismatches += s.pairs.activity_mismatches;
      total.frames.frames += s.frames.frames;
      total.frames.same_count += s.frames.same_count;
      total.frames.same_speech += s.frames.same_speech;
      total.score = sum_scores({total.score, s.score});
      total.exact_s += s.exact_s;
      total.fast_s += s.fast_s;
    }
    print_summary("ALL", total);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fast_fidelity: %s\n", e.what());
    return 1;
  }
  return 0;
}
