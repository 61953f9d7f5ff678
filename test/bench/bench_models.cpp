// Throughput of the neural networks (not a ctest): PyanNet forward at batch 1/8/32, in inference
// mode, with 2 intra-op threads, like reference/README.md §7 (upstream: 0.178 s per 10 s chunk at
// batch 32 on the reference 2-core VM).
//
// Usage: bench_models [segmentation weights, "" = the reference safetensors] [runs per batch size]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include "import/segmentation_model_loader.h"
#include "nets/torch_threads.h"
#include "test_support.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string weights =
        argc > 1 && argv[1][0] ? std::string(argv[1]) : diarize::test::shared_path("reference/segmentation_weights.safetensors");
    const int runs = argc > 2 ? std::max(1, std::stoi(argv[2])) : 5;
    const int threads = diarize::configure_torch_threads(2);
    diarize::PyanNet net = diarize::load_segmentation_model(weights);
    std::printf("PyanNet, %s, %d threads, %d timed runs after one warm-up, median\n", weights.c_str(), threads, runs);
    torch::manual_seed(0);
    for (int batch : {1, 8, 32}) {
      c10::InferenceMode inference;
      const torch::Tensor x = torch::randn({batch, 1, diarize::PyanNetImpl::kChunkSamples}) * 0.1;
      net->forward(x);  // warm-up: oneDNN primitive creation, allocator growth
      std::vector<double> total, front_end;
      const std::clock_t cpu_start = std::clock();
      for (int r = 0; r < runs; ++r) {
        auto start = std::chrono::steady_clock::now();
        net->sincnet->forward(x);
        front_end.push_back(seconds_since(start));
        start = std::chrono::steady_clock::now();
        net->forward(x);
        total.push_back(seconds_since(start));
      }
      // CPU seconds of the whole process per chunk (both threads, SincNet runs included): less
      // sensitive than wall time to other processes on a shared machine.
      const double cpu = double(std::clock() - cpu_start) / CLOCKS_PER_SEC / runs / batch;
      const double t = median(total), s = median(front_end);
      std::printf("batch %2d: %.3f s per batch, %.4f s per chunk (SincNet %.4f s/chunk, rest %.4f s/chunk; "
                  "%.3f CPU-s per chunk incl. the extra SincNet pass)\n",
                  batch, t, t / batch, s / batch, (t - s) / batch, cpu);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_models: %s\n", e.what());
    return 1;
  }
}
