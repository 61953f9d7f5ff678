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
#include "engine/segmentation_runner.h"
#include "import/segmentation_model_loader.h"
#include "nets/inference_allocator.h"
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
    // The engine's settings (pipeline_engine.cpp): its allocator tuning and batch size are worth
    // several times the speed on CPU.
    configure_torch_threads(0);
    keep_network_buffers_mapped();
    PyanNet net = load_segmentation_model(argv[1]);
    c10::InferenceMode inference_mode;
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
      const ChunkFrames seg = powerset_to_multilabel(run_segmentation(
          net, audio.samples.data(), static_cast<int64_t>(audio.samples.size()), ChunkingConfig{}, 4,
          c10::Device(c10::kCPU), {}));
      const auto bytes = serialize_safetensors({TensorData::from_f32("segmentation", {seg.num_chunks, seg.num_frames, seg.num_columns}, seg.values)});
      // Written under a temporary name first, so an interrupted run leaves no truncated cache file.
      const fs::path partial = out.string() + ".partial";
      std::ofstream(partial, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      fs::rename(partial, out);
      std::cout << uri << ": " << seg.num_chunks << " chunks" << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "dump_segmentation: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
