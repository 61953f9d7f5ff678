// Engine configuration from the command line and model discovery (see engine_config.h).
#include "engine_config.h"

#include <string>

#include "engine/model_discovery.h"
#include "errors.h"

namespace diarize {
namespace {

// The engine's condition for fast mode's bf16 kernels (LstmInference::cpu_has_bf16_kernels), asked
// here without loading LibTorch so that -v can say what --mode fast will do.
bool cpu_has_avx512_bf16() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

std::string fast_mode_note(bool builtin_embedding, const std::string& device) {
  if (device == "cuda" || device == "mps")
    return "--mode fast: runs as exact mode on " + device + " (its bf16 kernels are CPU ones)";
  if (!cpu_has_avx512_bf16()) return "--mode fast: this CPU has no AVX-512 BF16, so it runs as exact mode";
  std::string note = builtin_embedding ? "--mode fast: the segmentation network's LSTM in bf16"
                                       : "--mode fast: the segmentation LSTM and the embedding trunk in bf16";
  note += " (close to exact mode, not equal)";
  if (device == "auto") note += "; on CUDA/MPS, if chosen, it runs as exact mode";
  return note;
}

}  // namespace

EngineConfig resolve_engine_config(const RunOptions& options, std::vector<std::string>* notes,
                                   bool* embedding_not_found) {
  ModelSearch search{options.segmentation, options.embedding, options.models_dir, options.plda_dir, true};
  search.find_plda = options.pipeline != "3.1";
  const DiscoveredModels models = discover_models(search);
  if (notes) *notes = models.notes;
  if (embedding_not_found) *embedding_not_found = models.embedding_not_found;
  EngineConfig config = options.engine;
  config.segmentation_path = models.segmentation.path;
  config.embedding_path = models.builtin_embedding ? "" : models.embedding.path;
  config.builtin_parameters_path = models.builtin_parameters;
  config.device = options.device;

  // community-1 when it can run (a neural embedding and a PLDA), unless --pipeline says otherwise.
  std::string why;
  if (models.builtin_embedding) {
    if (options.pipeline == "community-1")
      throw UsageError("--pipeline community-1 needs a speaker-embedding model (WeSpeaker ResNet34); the built-in "
                       "embedding has its own clustering (docs/cli.md)");
    why = "builtin (no embedding model: the built-in embedding and its own clustering)";
  } else if (options.pipeline == "3.1") {
    why = "3.1 (--pipeline 3.1)";
  } else if (models.plda) {
    config.pipeline = PipelineKind::kCommunity1;
    config.plda_transform_path = models.plda->transform;
    config.plda_path = models.plda->model;
    why = options.pipeline == "community-1" ? "community-1 (--pipeline community-1)"
                                            : "community-1 (an embedding model and a PLDA were found)";
  } else if (options.pipeline == "community-1") {
    throw ModelError("--pipeline community-1: no PLDA found (xvec_transform.npz and plda.npz; give --plda DIR or "
                     "see docs/models.md)");
  } else {
    why = "3.1 (no PLDA found, so community-1 cannot run)";
  }
  if (notes) notes->push_back("pipeline: " + why);
  if (notes && config.mode == NetworkMode::kFast) notes->push_back(fast_mode_note(models.builtin_embedding, config.device));
  return config;
}

}  // namespace diarize
