// Throughput of the neural networks (not a ctest): PyanNet forward at batch 1/8/32, in inference
// mode, with 2 intra-op threads, like reference/README.md §7 (upstream: 0.178 s per 10 s chunk at
// batch 32 on the reference 2-core VM), then where the time goes at batch 32: SincNet's stages, the
// LSTM layer by layer through torch and through LstmInference, and the linear head.
//
// Usage: bench_models [segmentation weights, "" = the reference safetensors] [runs per batch size]
//                     [--torch-lstm]  time PyanNet with torch's LSTM (as before LstmInference)
//                     [--bf16-lstm]   time it with LstmInference's bf16 products (fast mode), and print
//                                     how far its log-probabilities and argmax classes are from float32's
//                     [--split]       then time the stages at batch 32
//                     [--threads N]   intra-op threads (default 2)
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "import/segmentation_model_loader.h"
#include "nets/lstm_inference.h"
#include "nets/inference_allocator.h"
#include "nets/torch_threads.h"
#include "test_support.h"

namespace {

namespace F = torch::nn::functional;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median wall seconds of `runs` calls after one warm-up call.
double time_median(int runs, const std::function<void()>& f) {
  f();
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(seconds_since(start));
  }
  return median(t);
}

void print_split(diarize::PyanNet& net, int batch, int runs) {
  c10::InferenceMode inference;
  const torch::Tensor x = torch::randn({batch, 1, diarize::PyanNetImpl::kChunkSamples}) * 0.1;
  auto& s = *net->sincnet;
  auto sinc = s.conv1d->ptr<diarize::SincEncoderImpl>(0);
  auto per_chunk = [&](const char* what, double seconds) {
    std::printf("  %-44s %.4f s/chunk\n", what, seconds / batch);
  };
  std::printf("where the time goes at batch %d (median of %d):\n", batch, runs);
  const torch::Tensor normed = s.wav_norm1d->forward(x);
  per_chunk("SincNet wav instance norm", time_median(runs, [&] { s.wav_norm1d->forward(x); }));
  const torch::Tensor filters = sinc->filterbank->filters();
  per_chunk("SincNet sinc filters (80 x 251)", time_median(runs, [&] { sinc->filterbank->filters(); }));
  const torch::Tensor conv = F::conv1d(normed, filters, F::Conv1dFuncOptions().stride(10));
  per_chunk("SincNet sinc conv1d (stride 10)", time_median(runs, [&] {
              F::conv1d(normed, filters, F::Conv1dFuncOptions().stride(10));
            }));
  per_chunk("SincNet abs", time_median(runs, [&] { torch::abs(conv); }));
  torch::Tensor y = torch::abs(conv);
  for (int block = 0; block < 3; ++block) {
    const std::string b = "SincNet block " + std::to_string(block) + " ";
    if (block > 0) {
      auto c = s.conv1d->ptr<torch::nn::Conv1dImpl>(block);
      const torch::Tensor in = y;
      per_chunk((b + "conv1d k5").c_str(), time_median(runs, [&] { c->forward(in); }));
      y = c->forward(in);
    }
    const torch::Tensor in = y;
    per_chunk((b + "max-pool 3").c_str(), time_median(runs, [&] { F::max_pool1d(in, F::MaxPool1dFuncOptions(3).stride(3)); }));
    y = F::max_pool1d(in, F::MaxPool1dFuncOptions(3).stride(3));
    auto norm = s.norm1d->ptr<torch::nn::InstanceNorm1dImpl>(block);
    const torch::Tensor pooled = y;
    per_chunk((b + "instance norm").c_str(), time_median(runs, [&] { norm->forward(pooled); }));
    y = norm->forward(pooled);
    const torch::Tensor normed_block = y;
    per_chunk((b + "leaky ReLU").c_str(), time_median(runs, [&] { F::leaky_relu(normed_block, F::LeakyReLUFuncOptions().negative_slope(0.01)); }));
    y = F::leaky_relu(normed_block, F::LeakyReLUFuncOptions().negative_slope(0.01));
  }
  per_chunk("SincNet whole", time_median(runs, [&] { s.forward(x); }));

  const torch::Tensor features = y.transpose(1, 2);
  const auto weights = net->lstm->all_weights();
  torch::Tensor layer_in = features;
  for (int l = 0; l < 4; ++l) {
    const std::vector<torch::Tensor> params(weights.begin() + 8 * l, weights.begin() + 8 * (l + 1));
    const torch::Tensor h0 = torch::zeros({2, batch, 128});
    const torch::Tensor in = layer_in;
    per_chunk(("torch LSTM layer " + std::to_string(l)).c_str(), time_median(runs, [&] {
                torch::lstm(in, {h0, h0}, params, true, 1, 0.0, false, true, true);
              }));
    layer_in = std::get<0>(torch::lstm(in, {h0, h0}, params, true, 1, 0.0, false, true, true));
  }
  per_chunk("torch LSTM, 4 layers", time_median(runs, [&] { net->lstm->forward(features); }));
  diarize::LstmInference fast;
  if (diarize::LstmInference::supports(features, 128)) {
    for (int l = 0; l < 4; ++l) {
      const std::vector<torch::Tensor> params(weights.begin() + 8 * l, weights.begin() + 8 * (l + 1));
      const torch::Tensor in = l == 0 ? features : torch::randn({batch, features.size(1), 256});
      per_chunk(("LstmInference layer " + std::to_string(l)).c_str(),
                time_median(runs, [&] { fast.forward(in, params, 1, true); }));
    }
    per_chunk("LstmInference, 4 layers", time_median(runs, [&] { fast.forward(features, weights, 4, true); }));
  }
  const torch::Tensor lstm_out = std::get<0>(net->lstm->forward(features));
  per_chunk("linear head + log_softmax", time_median(runs, [&] {
              torch::Tensor h = lstm_out;
              for (size_t i = 0; i < net->linear->size(); ++i)
                h = F::leaky_relu(net->linear->ptr<torch::nn::LinearImpl>(i)->forward(h),
                                  F::LeakyReLUFuncOptions().negative_slope(0.01));
              torch::log_softmax(net->classifier->forward(h), -1);
            }));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> positional;
    bool torch_lstm = false, split = false, bf16_lstm = false;
    int threads_wanted = 2;
    for (int i = 1; i < argc; ++i) {
      if (std::strcmp(argv[i], "--torch-lstm") == 0) torch_lstm = true;
      else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads_wanted = std::max(1, std::stoi(argv[++i]));
      else if (std::strcmp(argv[i], "--split") == 0) split = true;
      else if (std::strcmp(argv[i], "--bf16-lstm") == 0) bf16_lstm = true;
      else positional.push_back(argv[i]);
    }
    const std::string weights = !positional.empty() && !positional[0].empty()
                                    ? positional[0]
                                    : diarize::test::shared_path("reference/segmentation_weights.safetensors");
    const int runs = positional.size() > 1 ? std::max(1, std::stoi(positional[1])) : 5;
    diarize::LstmInference::disable_for_testing(torch_lstm);
    const int threads = diarize::configure_torch_threads(threads_wanted);
    diarize::keep_network_buffers_mapped();  // as the engine does
    diarize::PyanNet net = diarize::load_segmentation_model(weights);
    if (bf16_lstm) {
      if (!net->use_bf16_lstm(true)) throw std::runtime_error("this CPU has no AVX-512 BF16");
      // Against float32 on real-looking input: the reference chunk would be better, noise is what is here.
      c10::InferenceMode inference;
      diarize::PyanNet reference = diarize::load_segmentation_model(weights);
      torch::manual_seed(1);
      const torch::Tensor x = torch::randn({4, 1, diarize::PyanNetImpl::kChunkSamples}) * 0.1;
      const torch::Tensor a = reference->forward(x), b = net->forward(x);
      const double same = (a.argmax(-1) == b.argmax(-1)).to(torch::kDouble).mean().item<double>();
      std::printf("bf16 LSTM vs float32 on noise: max |d log-prob| %.4f, same argmax class on %.2f %% of frames\n",
                  (a - b).abs().max().item<double>(), 100.0 * same);
    }
    std::printf("PyanNet, %s, %d threads, %d timed runs after one warm-up, median, LSTM: %s\n", weights.c_str(), threads,
                runs, torch_lstm || !diarize::LstmInference::cpu_has_kernels() ? "torch"
                      : bf16_lstm ? "LstmInference bf16" : "LstmInference");
    torch::manual_seed(0);
    for (int batch : {1, 2, 4, 8, 32}) {
      c10::InferenceMode inference;
      const torch::Tensor x = torch::randn({batch, 1, diarize::PyanNetImpl::kChunkSamples}) * 0.1;
      net->forward(x);  // warm-up: oneDNN primitive creation, allocator growth
      std::vector<double> total, front_end, forward_cpu;
      for (int r = 0; r < runs; ++r) {
        auto start = std::chrono::steady_clock::now();
        net->sincnet->forward(x);
        front_end.push_back(seconds_since(start));
        start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        net->forward(x);
        forward_cpu.push_back(double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        total.push_back(seconds_since(start));
      }
      // CPU seconds of the process (all threads) per forward: less sensitive than wall time to other
      // processes on a shared machine, exact at 1 thread (at 2, OpenMP's spin-waits count too).
      const double t = median(total), s = median(front_end), cpu = median(forward_cpu);
      std::printf("batch %2d: %.3f s per batch, %.4f s per chunk (SincNet %.4f s/chunk, rest %.4f s/chunk; "
                  "%.4f CPU-s per chunk)\n",
                  batch, t, t / batch, s / batch, (t - s) / batch, cpu / batch);
    }
    diarize::LstmInference::disable_for_testing(false);
    if (split) print_split(net, 32, runs);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_models: %s\n", e.what());
    return 1;
  }
}
