// Segmentation-model loading: any recognised file → pyannote state dict → PyanNet.
#include "import/segmentation_model_loader.h"

#include "import/state_dict_loader.h"
#include "import/state_dict_reader.h"

namespace diarize {

std::vector<TensorData> read_segmentation_state_dict(const std::string& path) {
  ModelStateDict model = read_model_state_dict(path);
  if (model.description.role != ModelRole::kSegmentation)
    throw FormatError(path + ": " + role_with_article(model.description.role) + ", not " + role_with_article(ModelRole::kSegmentation));
  return std::move(model.tensors);
}

PyanNet load_segmentation_model(const std::string& path) {
  PyanNet net;
  load_state_dict(*net, read_segmentation_state_dict(path), path);
  net->eval();
  return net;
}

}  // namespace diarize
