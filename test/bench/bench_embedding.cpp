// Throughput of the embedding front half (fbank + CMN + ResNet34 trunk) per 10 s crop, at several batch
// sizes and in a few execution variants, on the random-weight model from the shared reference folder.
// Not a test: it measures and prints, it checks nothing but that the variants agree.
//
//   bench_embedding [--threads N] [--repeats R] [--batches 1,2,8,32]
//                   [--variants fp32,channels_last,mkldnn,folded_nchw,folded,folded_bf16,bf16,bf16_nchw]
//   bench_embedding --network-batches 1,2 [--network-precision float32|bf16] [--threads N] [--repeats R]
//
// --network-batches times instead the whole embedding network as the product runs it (folded trunk on
// the oneDNN layout + statistics pooling + linear) from CMN'd fbank [B, 998, 80] to [B, 256], without
// the fbank: the same work as ONNX Runtime on the ResNet34 ONNX, whose input is the fbank
// (test/bench/peers/ort_networks.js). One JSON line per batch size, in that script's format.
// --network-precision bf16 times fast mode's bf16 trunk instead.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "formats/safetensors.h"
#include "models/load_weights_by_name.h"
#include "nets/fbank.h"
#include "nets/folded_trunk.h"
#include "nets/resnet34.h"
#include "nets/inference_allocator.h"
#include "nets/torch_threads.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) parts.push_back(part);
  return parts;
}

// One way of running the trunk: float32 NCHW (the default), float32 channels-last, or bfloat16.
struct Variant {
  std::string name;
  at::MemoryFormat format = at::MemoryFormat::Contiguous;
  at::ScalarType dtype = at::kFloat;
  bool mkldnn_layout = false;  // run the trunk on oneDNN's opaque blocked tensors end to end
  int folded = 0;  // 1: BatchNorm folded into the convs (FoldedResNetTrunk), dense; 2: and oneDNN layout; 3: and bf16
};

Variant parse_variant(const std::string& name) {
  if (name == "fp32") return {name, at::MemoryFormat::Contiguous, at::kFloat};
  if (name == "channels_last") return {name, at::MemoryFormat::ChannelsLast, at::kFloat};
  if (name == "bf16") return {name, at::MemoryFormat::ChannelsLast, at::kBFloat16};
  if (name == "bf16_nchw") return {name, at::MemoryFormat::Contiguous, at::kBFloat16};
  if (name == "mkldnn") return {name, at::MemoryFormat::Contiguous, at::kFloat, true};
  if (name == "folded_nchw") return {name, at::MemoryFormat::Contiguous, at::kFloat, false, 1};
  if (name == "folded") return {name, at::MemoryFormat::Contiguous, at::kFloat, false, 2};
  if (name == "folded_bf16") return {name, at::MemoryFormat::Contiguous, at::kFloat, false, 3};
  std::fprintf(stderr, "bench_embedding: unknown variant '%s'\n", name.c_str());
  std::exit(2);
}

WeSpeakerResNet34 make_model(const Variant& variant, const SafetensorsFile& weights) {
  WeSpeakerResNet34 model;
  test::load_weights_by_name(*model, weights);
  model->to(variant.dtype);
  at::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    if (item.value().dim() == 4) item.value().set_data(item.value().contiguous(variant.format));
  }
  if (variant.folded >= 2)
    model->set_fast_inference(true, variant.folded == 3 ? TrunkPrecision::kBFloat16 : TrunkPrecision::kFloat32);
  return model;
}

// fbank + CMN + trunk for a batch of crops; returns [B, 2560, T'] in float32.
at::Tensor run(WeSpeakerResNet34& model, const Variant& variant, const at::Tensor& waveforms) {
  const at::Tensor fbank = cmn(compute_fbank(waveforms));
  if (variant.folded >= 2) return model->trunk(fbank);  // the library's fast path (set_fast_inference)
  if (variant.folded == 1) {
    static const FoldedResNetTrunk dense_trunk(*model->resnet, TrunkPrecision::kFloat32, /*use_onednn_layout=*/false);
    const at::Tensor out = dense_trunk(fbank.permute({0, 2, 1}).unsqueeze(1));
    return out.reshape({out.size(0), out.size(1) * out.size(2), out.size(3)});
  }
  at::Tensor image = fbank.permute({0, 2, 1}).unsqueeze(1).to(variant.dtype).contiguous(variant.format);
  if (variant.mkldnn_layout) image = image.to_mkldnn();
  at::Tensor out = model->resnet->forward(image);
  if (variant.mkldnn_layout) out = out.to_dense();
  out = out.to(at::kFloat);
  return out.reshape({out.size(0), out.size(1) * out.size(2), out.size(3)});
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds used by all threads of this process: on a machine shared with other jobs, CPU time divided
// by the thread count estimates the wall time an idle machine would give, where wall time does not.
double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Whole network (trunk + pooling + linear) per crop from precomputed fbank, as the product runs it.
// Prints {"network":"embedding","batch":B,"threads":T,"runs":R,"s_per_chunk":median,"min_s_per_chunk":min}.
int time_whole_network(const SafetensorsFile& weights, const at::Tensor& crops, const std::vector<std::string>& batches,
                       const std::string& variant, int threads, int repeats) {
  const Variant product = parse_variant(variant);
  WeSpeakerResNet34 model = make_model(product, weights);
  const at::Tensor fbank = cmn(compute_fbank(crops));  // [3, 998, 80], real features of the sample crops
  for (const auto& batch_text : batches) {
    const int64_t batch = std::atoll(batch_text.c_str());
    if (batch < 1) {
      std::fprintf(stderr, "bench_embedding: bad batch size '%s'\n", batch_text.c_str());
      return 2;
    }
    const at::Tensor input = fbank.repeat({(batch + 2) / 3, 1, 1}).narrow(0, 0, batch).contiguous();
    for (int warm = 0; warm < 2; ++warm) model->forward(input);  // oneDNN primitive creation, allocator growth
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const at::Tensor embeddings = model->forward(input);
      times.push_back(seconds_since(start) / static_cast<double>(batch));
      if (embeddings.size(0) != batch || embeddings.size(1) != WeSpeakerResNet34Config::embedding_dim) {
        std::fprintf(stderr, "bench_embedding: unexpected embedding shape\n");
        return 1;
      }
    }
    std::sort(times.begin(), times.end());
    std::printf("{\"network\":\"embedding\",\"batch\":%lld,\"threads\":%d,\"runs\":%d,\"s_per_chunk\":%.6f,"
                "\"min_s_per_chunk\":%.6f}\n",
                static_cast<long long>(batch), threads, repeats, times[times.size() / 2], times.front());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0;
  int repeats = 3;
  std::vector<std::string> batch_list = {"1", "2", "8", "32"};
  std::vector<std::string> variant_list = {"fp32", "channels_last"};
  std::vector<std::string> network_batch_list;
  std::string network_variant = "folded";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else if (flag == "--repeats") repeats = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--batches") batch_list = split(argv[i + 1]);
    else if (flag == "--variants") variant_list = split(argv[i + 1]);
    else if (flag == "--network-batches") network_batch_list = split(argv[i + 1]);
    else if (flag == "--network-precision") network_variant = std::string(argv[i + 1]) == "bf16" ? "folded_bf16" : "folded";
    else {
      std::fprintf(stderr, "bench_embedding: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  const int used_threads = configure_torch_threads(threads);
  keep_network_buffers_mapped();  // as the engine does
  const auto weights = read_safetensors(test::shared_path("reference/wespeaker_resnet34_random.safetensors"));
  const auto golden = read_safetensors(test::shared_path("reference/fbank_embedding_sample.safetensors"));
  const at::Tensor crops = test::to_tensor(golden.at("waveforms"));  // [3, 160000]

  c10::InferenceMode inference;
  if (!network_batch_list.empty())
    return time_whole_network(weights, crops, network_batch_list, network_variant, used_threads, repeats);
  std::printf("threads %d, %d timed runs per point (median), LibTorch %s\n", used_threads, repeats, TORCH_VERSION);
  std::vector<Variant> variants;
  std::vector<WeSpeakerResNet34> models;
  for (const auto& name : variant_list) {
    variants.push_back(parse_variant(name));
    models.push_back(make_model(variants.back(), weights));
  }

  // Agreement of each variant with the first, on the three sample crops (unweighted embeddings).
  const at::Tensor reference = models[0]->pool_and_embed(run(models[0], variants[0], crops));
  for (size_t v = 1; v < variants.size(); ++v) {
    const at::Tensor emb = models[0]->pool_and_embed(run(models[v], variants[v], crops));
    const double cosine = at::cosine_similarity(emb.to(at::kDouble), reference.to(at::kDouble), 1).min().item<double>();
    const double error = (emb - reference).abs().max().item<double>() / reference.abs().max().item<double>();
    std::printf("%s vs %s: min cosine %.8f, max |diff| / max |emb| %.2e\n", variants[v].name.c_str(),
                variants[0].name.c_str(), cosine, error);
  }

  for (const auto& batch_text : batch_list) {
    const int64_t batch = std::atoll(batch_text.c_str());
    const at::Tensor waveforms = crops.repeat({(batch + 2) / 3, 1}).narrow(0, 0, batch).contiguous();
    // Variants alternate within each repeat so that load from other processes hits them alike.
    std::vector<std::vector<double>> times(variants.size()), cpu_times(variants.size());
    for (size_t v = 0; v < variants.size(); ++v) run(models[v], variants[v], waveforms);  // warm-up
    for (int r = 0; r < repeats; ++r) {
      for (size_t v = 0; v < variants.size(); ++v) {
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = process_cpu_seconds();
        run(models[v], variants[v], waveforms);
        times[v].push_back(seconds_since(start));
        cpu_times[v].push_back(process_cpu_seconds() - cpu_start);
      }
    }
    for (size_t v = 0; v < variants.size(); ++v) {
      std::sort(times[v].begin(), times[v].end());
      std::sort(cpu_times[v].begin(), cpu_times[v].end());
      const double crops_in_batch = static_cast<double>(batch);
      std::printf("batch %3lld  %-14s  wall median %6.3f min %6.3f s/crop   cpu/threads median %6.3f s/crop\n",
                  static_cast<long long>(batch), variants[v].name.c_str(), times[v][times[v].size() / 2] / crops_in_batch,
                  times[v].front() / crops_in_batch,
                  cpu_times[v][cpu_times[v].size() / 2] / crops_in_batch / static_cast<double>(used_threads));
    }
    std::fflush(stdout);
  }
  return 0;
}
