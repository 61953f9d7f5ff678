// Embedding-model loading: any recognised file → pyannote state dict → the LibTorch module.
#include "import/embedding_model_loader.h"

#include "import/state_dict_loader.h"
#include "import/state_dict_reader.h"

namespace diarize {

std::vector<TensorData> read_embedding_state_dict(const std::string& path) {
  ModelStateDict model = read_model_state_dict(path);
  if (model.description.role != ModelRole::kEmbedding)
    throw FormatError(path + ": " + role_with_article(model.description.role) + ", not " + role_with_article(ModelRole::kEmbedding));
  return std::move(model.tensors);
}

WeSpeakerResNet34 load_embedding_model(const std::string& path) {
  WeSpeakerResNet34 model;
  load_state_dict(*model, read_embedding_state_dict(path), path);
  model->eval();
  return model;
}

}  // namespace diarize
