// Runs the segmentation model over every file of a builtin_eval manifest once and caches the hard
// segmentation [C, 589, 3] as <cache>/<uri>.safetensors (tensor `segmentation`), so the built-in
// embedding can be tuned and evaluated on real segmentations without re-running the network.
//
// Usage: dump_segmentation MODEL MANIFEST CACHE_DIR   (existing cache files are kept)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "audio/audio_decoder.h"
#include "formats/safetensors.h"
#include "import/segmentation_model_loader.h"
#include "nets/torch_threads.h"
#include "pipeline/chunking.h"
#include "pipeline/powerset.h"

using namespace diarize;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: dump_segmentation MODEL MANIFEST CACHE_DIR\n";
    return 2;
  }
  try {
    configure_torch_threads(0);
    PyanNet net = load_segmentation_model(argv[1]);
    torch::NoGradGuard no_grad;
    fs::create_directories(argv[3]);
    std::ifstream manifest(argv[2]);
    std::string line;
    while (std::getline(manifest, line)) {
      std::istringstream fields(line);
      std::string uri, wav, rttm;
      if (!(fields >> uri >> wav >> rttm) || uri[0] == '#') continue;
      const fs::path out = fs::path(argv[3]) / (uri + ".safetensors");
      if (fs::exists(out)) continue;
      const DecodedAudio audio = decode_audio(wav);
      const int64_t n = static_cast<int64_t>(audio.samples.size());
      const int64_t num_chunks = chunk_layout(n).num_chunks();
      const int64_t batch = 16;
      ChunkFrames log_probs(num_chunks, PyanNetImpl::kNumFrames, kPowersetClasses);
      for (int64_t c0 = 0; c0 < num_chunks; c0 += batch) {
        const int64_t b = std::min(batch, num_chunks - c0);
        torch::Tensor x = torch::zeros({b, 1, PyanNetImpl::kChunkSamples});
        for (int64_t i = 0; i < b; ++i) fill_chunk(audio.samples.data(), n, c0 + i, x[i][0].data_ptr<float>());
        torch::Tensor y = net->forward(x).contiguous();
        std::copy_n(y.data_ptr<float>(), y.numel(), log_probs.values.begin() + c0 * PyanNetImpl::kNumFrames * kPowersetClasses);
      }
      const ChunkFrames seg = powerset_to_multilabel(log_probs);
      const auto bytes = serialize_safetensors({TensorData::from_f32("segmentation", {seg.num_chunks, seg.num_frames, seg.num_columns}, seg.values)});
      std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      std::cout << uri << ": " << num_chunks << " chunks" << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "dump_segmentation: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
