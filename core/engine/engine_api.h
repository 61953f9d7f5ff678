// The boundary between the LibTorch-free parent and the neural engine, a shared module
// (libdiarize_engine.so) that only the child process (or --no-isolation mode) loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "output/diarization.h"

namespace diarize {

// How the networks are run (docs/cli.md, --mode).
enum class NetworkMode {
  kExact,  // pyannote 3.1's numbers: float32 networks
  kFast,   // the same pipeline with the networks' products in bf16 where the CPU has AVX-512 BF16
};
inline const char* network_mode_name(NetworkMode mode) { return mode == NetworkMode::kFast ? "fast" : "exact"; }

// Which clustering and reconstruction follow the networks when there is an embedding model
// (docs/cli.md, --pipeline). The built-in embedding has its own clustering and ignores this.
enum class PipelineKind {
  kPyannote31,  // speaker-diarization-3.1: AHC with min_cluster_size, 10/589 s frame grid
  kCommunity1,  // speaker-diarization-community-1 (pyannote 4.x): VBx + PLDA, receptive-field grid
};
inline const char* pipeline_kind_name(PipelineKind kind) {
  return kind == PipelineKind::kCommunity1 ? "community-1" : "3.1";
}

// Fixed for the life of an engine (one child serves many files with it).
struct EngineConfig {
  std::string segmentation_path;  // model file, already resolved by model discovery
  std::string embedding_path;     // empty: the built-in embedding
  std::string builtin_parameters_path;  // the built-in embedding's parameters (model discovery)
  std::string device = "cpu";     // "cpu", "cuda" or "mps" (never "auto": the caller resolves it)
  int threads = 0;                // LibTorch intra-op threads; 0 = all cores
  int batch_size = 32;            // chunks per network batch
  NetworkMode mode = NetworkMode::kExact;
  PipelineKind pipeline = PipelineKind::kPyannote31;
  std::string plda_transform_path;  // community-1: xvec_transform.npz (resolved by discovery)
  std::string plda_path;            // community-1: plda.npz
};

// What the JSON "pipeline" field says: "builtin" without an embedding model, else the pipeline.
inline std::string pipeline_label(const EngineConfig& config) {
  return config.embedding_path.empty() ? "builtin" : pipeline_kind_name(config.pipeline);
}

// Per input.
struct JobOptions {
  int num_speakers = 0;  // 0 = not set
  int min_speakers = 0;
  int max_speakers = 0;
  bool return_centroids = false;
};

struct ProgressEvent {
  std::string stage;  // "segmentation", "embeddings", "clustering", ...
  int64_t done = 0;
  int64_t total = 0;
};
using ProgressCallback = std::function<void(const ProgressEvent&)>;

struct EngineResult {
  Diarization diarization;
  std::string embedding;                    // "builtin" or the embedding model's description
  std::map<std::string, double> timings_s;  // per stage
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Diarizes 16 kHz mono samples. Throws std::runtime_error on failure; errors whose message
  // starts with "accelerator:" are accelerator faults (the parent retries on CPU).
  virtual EngineResult diarize(const float* samples, size_t count, const JobOptions& options,
                               const ProgressCallback& progress) = 0;
  virtual std::string device() const = 0;
};

// Devices the linked LibTorch can use, in `auto` preference order (e.g. "cuda,cpu").
using AvailableDevicesFn = std::string (*)();
// Creates an engine; throws ModelError-like std::runtime_error on unusable models.
using CreateEngineFn = Engine* (*)(const EngineConfig& config);

inline constexpr const char* kEngineModuleName = "libdiarize_engine.so";
inline constexpr const char* kCreateEngineSymbol = "diarize_create_engine";
inline constexpr const char* kAvailableDevicesSymbol = "diarize_available_devices";

}  // namespace diarize
