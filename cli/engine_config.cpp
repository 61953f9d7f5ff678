// Engine configuration from the command line and model discovery (see engine_config.h).
#include "engine_config.h"

#include "engine/model_discovery.h"

namespace diarize {

EngineConfig resolve_engine_config(const RunOptions& options, std::vector<std::string>* notes) {
  const DiscoveredModels models = discover_models(ModelSearch{options.segmentation, options.embedding, options.models_dir});
  if (notes) *notes = models.notes;
  EngineConfig config = options.engine;
  config.segmentation_path = models.segmentation.path;
  config.embedding_path = models.builtin_embedding ? "" : models.embedding.path;
  config.device = options.device;
  if (notes && config.mode == EmbeddingMode::kFast)
    notes->push_back(models.builtin_embedding
                         ? "--mode fast: the segmentation network's LSTM in bf16 on CPUs with AVX-512 BF16 (close to exact mode, not equal)"
                         : "--mode fast: the segmentation LSTM and the embedding trunk in bf16 on CPUs with AVX-512 BF16 (close to exact mode, not equal)");
  return config;
}

}  // namespace diarize
