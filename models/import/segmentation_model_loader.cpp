// Segmentation-model loading: any recognised file → pyannote state dict → PyanNet.
#include "import/segmentation_model_loader.h"

#include "import/state_dict_loader.h"
#include "import/state_dict_reader.h"

namespace diarize {

PyanNet load_segmentation_model(const std::string& path) {
  PyanNet net;
  load_state_dict(*net, read_state_dict_of_role(path, ModelRole::kSegmentation), path);
  net->eval();
  return net;
}

}  // namespace diarize
