// Embedding-model loading: any recognised file → pyannote state dict → WeSpeaker ResNet34.
#include "import/embedding_model_loader.h"

#include "import/state_dict_loader.h"
#include "import/state_dict_reader.h"

namespace diarize {

WeSpeakerResNet34 load_embedding_model(const std::string& path) {
  WeSpeakerResNet34 model;
  load_state_dict(*model, read_state_dict_of_role(path, ModelRole::kEmbedding), path);
  model->eval();
  return model;
}

}  // namespace diarize
