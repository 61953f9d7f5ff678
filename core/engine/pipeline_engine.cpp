// Stage orchestration and timing for one file; every stage is a plain function (core/pipeline/).
#include "engine/pipeline_engine.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "audio/audio_decoder.h"
#include "engine/device.h"
#include "engine/neural_embeddings.h"
#include "engine/segmentation_runner.h"
#include "engine/torch_matmul.h"
#include "errors.h"
#include "formats/plda_file.h"
#include "formats/tensor_data.h"
#include "import/embedding_model_loader.h"
#include "import/segmentation_model_loader.h"
#include "nets/inference_allocator.h"
#include "nets/lstm_inference.h"
#include "nets/torch_threads.h"
#include "pipeline/builtin_diarization.h"
#include "pipeline/community1_pipeline.h"
#include "pipeline/diarize_pipeline.h"
#include "pipeline/powerset.h"

namespace diarize {

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kCpuEmbeddingBatch = 2;
// With the fused CPU LSTM (nets/lstm_inference.h), PyanNet is fastest at 4 chunks a batch here:
// 0.0118 s per chunk against 0.0138 at 2 and 0.0131 at 8 (bench_models with the engine's allocator
// settings and passive OpenMP waits, quiet 2-core VM); torch's LSTM wants 32.
constexpr int kCpuFusedLstmSegmentationBatch = 4;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// pyannote 3.1 lets the zero-padded last chunk produce turns past the end of the file; nothing
// was said there, so turns are cut at the file's end (docs/output.md).
void crop_to_duration(std::vector<SpeakerTurn>& turns, double duration_s) {
  std::vector<SpeakerTurn> kept;
  for (SpeakerTurn turn : turns) {
    if (turn.start_s >= duration_s) continue;
    turn.end_s = std::min(turn.end_s, duration_s);
    kept.push_back(turn);
  }
  turns.swap(kept);
}

int clustering_threads(int configured) {
  if (configured > 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace

PipelineEngine::PipelineEngine(const EngineConfig& config)
    : config_(config), device_name_(resolve_device(config.device)), device_(to_torch_device(device_name_)) {
  configure_torch_threads(config.threads);
  keep_network_buffers_mapped();
  try {
    // Fast mode: the networks' products in bf16 where the CPU has AVX-512 BF16 (docs/benchmarks.md,
    // "Fast mode", has their measured agreement with exact mode); elsewhere it runs as exact mode.
    const bool bf16 = config.mode == NetworkMode::kFast && device_.is_cpu() && LstmInference::cpu_has_bf16_kernels();
    segmentation_ = load_segmentation_model(config.segmentation_path);
    segmentation_->to(device_);
    if (bf16) segmentation_->use_bf16_lstm(true);
    if (!config.embedding_path.empty()) {
      embedding_ = load_embedding_model(config.embedding_path);
      (*embedding_)->to(device_);
      // On CPU the trunk runs with BatchNorm folded into the convolutions in oneDNN's blocked
      // layout: about 2x faster, same RTTMs (test_pipeline_e2e), embeddings within 3e-6.
      if (device_.is_cpu())
        (*embedding_)->set_fast_inference(true, bf16 ? TrunkPrecision::kBFloat16 : TrunkPrecision::kFloat32);
      embedding_description_ = "WeSpeaker ResNet34 (" + config.embedding_path + ")";
      if (config.mode == NetworkMode::kFast)
        embedding_description_ += bf16 ? ", fast mode (bf16 networks)" : ", fast mode (no bf16 on this device: as exact)";
      if (config.pipeline == PipelineKind::kCommunity1) {
        if (config.plda_transform_path.empty() || config.plda_path.empty())
          throw ModelError("community-1 needs the PLDA (xvec_transform.npz and plda.npz)");
        plda_ = make_plda_transform(read_plda(config.plda_transform_path, config.plda_path));
      }
    } else {
      // Checked by model discovery already; read here again because the child may run anywhere.
      try {
        builtin_plda_ = read_builtin_plda(config.builtin_parameters_path, MfccConfig{});
      } catch (const std::exception& e) {
        throw ModelError(e.what());
      }
      embedding_description_ = "builtin";
    }
  } catch (const FormatError& e) {
    throw ModelError(e.what());
  }
}

EngineResult PipelineEngine::diarize(const float* samples, size_t count, const JobOptions& options,
                                     const ProgressCallback& progress) {
  validate_speaker_options(options);
  torch::InferenceMode inference_mode;
  EngineResult result;
  result.embedding = embedding_description_;
  const int64_t num_samples = static_cast<int64_t>(count);
  const PipelineConfig pipeline;  // 3.1's numbers
  auto report = [&](const char* stage) {
    return [&progress, stage](int64_t done, int64_t total) {
      if (progress) progress(ProgressEvent{stage, done, total});
    };
  };

  auto t0 = Clock::now();
  const int segmentation_batch = device_.is_cpu() && LstmInference::cpu_has_kernels()
                                     ? std::min(config_.batch_size, kCpuFusedLstmSegmentationBatch)
                                     : config_.batch_size;
  // The powerset log-probabilities (7 columns) are dropped as soon as the 3 speaker columns are
  // made from them: 240 MB for four hours that nothing after this needs.
  const ChunkFrames segmentation = powerset_to_multilabel(run_segmentation(
      segmentation_, samples, num_samples, pipeline.chunking, segmentation_batch, device_, report("segmentation")));
  result.timings_s["segmentation"] = seconds_since(t0);

  t0 = Clock::now();
  if (embedding_) {
    // On CPU the ResNet gets slower per crop above 2 crops a batch (test/bench/bench_embedding:
    // 0.10 s/crop at 1, 0.11 at 2, 0.15 at 32 on 2 cores); accelerators want big batches.
    const int embedding_batch = device_.is_cpu() ? std::min(config_.batch_size, kCpuEmbeddingBatch) : config_.batch_size;
    // community-1 embeds every pair as 4.0.7 does (inactive ones get the all-zero-mask output,
    // which sets the constrained assignment's floor score); 3.1 never looks at inactive pairs.
    const std::vector<float> embeddings = neural_embeddings(*embedding_, samples, num_samples, segmentation,
                                                            pipeline.chunking, embedding_batch, device_,
                                                            report("embeddings"), plda_.has_value());
    result.timings_s["embeddings"] = seconds_since(t0);
    t0 = Clock::now();
    if (progress) progress(ProgressEvent{"clustering", 0, 1});
    if (plda_) {
      Community1Config community1;
      community1.clustering.vbx.threads = clustering_threads(config_.threads);
      community1.clustering.vbx.matmul = torch_dense_matmul(device_);
      result.diarization = diarize_community1(segmentation, embeddings, WeSpeakerResNet34Config::embedding_dim,
                                              options, *plda_, community1);
    } else {
      result.diarization = diarize_from_segmentation(segmentation, embeddings, WeSpeakerResNet34Config::embedding_dim,
                                                     options, pipeline);
    }
    result.timings_s["clustering+reconstruction"] = seconds_since(t0);
  } else {
    // The built-in embedding computes its features and clusters in one pass over the file.
    if (progress) progress(ProgressEvent{"clustering", 0, 1});
    result.diarization = diarize_with_builtin_embedding(segmentation, samples, count, options, builtin_plda_, pipeline);
    result.timings_s["builtin embedding+clustering+reconstruction"] = seconds_since(t0);
  }
  crop_to_duration(result.diarization.turns, static_cast<double>(count) / kPipelineSampleRateHz);
  crop_to_duration(result.diarization.exclusive_turns, static_cast<double>(count) / kPipelineSampleRateHz);
  return result;
}

}  // namespace diarize
