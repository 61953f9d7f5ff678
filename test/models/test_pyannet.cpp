// PyanNet (segmentation-3.0) against the upstream goldens, through each of the three weight sources.
#include "models/torch_test_util.h"  // first: keeps Catch's CHECK (glog defines one too)

#include <catch2/catch.hpp>

#include <sndfile.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "formats/safetensors.h"
#include "import/segmentation_model_loader.h"
#include "import/state_dict_loader.h"
#include "nets/lstm_inference.h"
#include "nets/pyannet.h"
#include "nets/torch_threads.h"
#include "test_support.h"

using namespace diarize;

namespace {

constexpr int64_t kChunk = 160000, kStep = 16000;

// Mono 16 kHz samples as upstream reads them (int16 → /32768, float32 as is: libsndfile's
// normalised float read does exactly that).
std::vector<float> read_wav(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  REQUIRE(f);
  REQUIRE(info.channels == 1);
  REQUIRE(info.samplerate == 16000);
  std::vector<float> samples(static_cast<size_t>(info.frames));
  const sf_count_t got = sf_readf_float(f, samples.data(), info.frames);
  sf_close(f);
  REQUIRE(got == info.frames);
  return samples;
}

// 10 s windows every 1 s, plus one zero-padded last window when the file does not end on the step
// grid (reference/README.md pitfall 1). Test-only: the pipeline has its own chunker.
torch::Tensor make_chunks(const std::vector<float>& audio) {
  const int64_t n = static_cast<int64_t>(audio.size());
  const int64_t full = n < kChunk ? 0 : (n - kChunk) / kStep + 1;
  const bool padded = n < kChunk || (n - kChunk) % kStep > 0;
  torch::Tensor chunks = torch::zeros({full + (padded ? 1 : 0), 1, kChunk});
  for (int64_t c = 0; c < chunks.size(0); ++c) {
    const int64_t start = c * kStep, count = std::min(kChunk, n - start);
    std::memcpy(chunks[c][0].data_ptr<float>(), audio.data() + start, static_cast<size_t>(count) * sizeof(float));
  }
  return chunks;
}

torch::Tensor run_batched(PyanNet& net, const torch::Tensor& chunks, int64_t batch) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outputs;
  for (int64_t b = 0; b < chunks.size(0); b += batch)
    outputs.push_back(net->forward(chunks.slice(0, b, std::min(b + batch, chunks.size(0)))));
  return torch::cat(outputs, 0);
}

torch::Tensor golden_tensor(const SafetensorsFile& file, const std::string& name) {
  return tensor_from_data(file.at(name));
}

struct Comparison {
  double max_abs = 0;
  int64_t frames = 0, disagreements = 0, near_ties = 0, disagreements_outside_ties = 0;
};

// Tolerances: 1e-4 absolute on log-probabilities (float32 LSTM over 589 steps, summation-order
// differences between our LibTorch calls and upstream's; observed well below). Hard decisions must
// agree except where the golden's two best classes are within 2e-4 (twice the value tolerance, so
// a legitimate 1e-4 wobble on each can swap them).
Comparison compare(const torch::Tensor& ours, const torch::Tensor& golden) {
  Comparison c;
  REQUIRE(ours.sizes() == golden.sizes());
  c.max_abs = (ours - golden).abs().max().item<double>();
  const auto top2 = golden.topk(2, -1);
  const torch::Tensor gap = (std::get<0>(top2).select(-1, 0) - std::get<0>(top2).select(-1, 1));
  const torch::Tensor tie = gap < 2e-4;
  const torch::Tensor differ = ours.argmax(-1) != golden.argmax(-1);
  c.frames = differ.numel();
  c.near_ties = tie.sum().item<int64_t>();
  c.disagreements = differ.sum().item<int64_t>();
  c.disagreements_outside_ties = (differ & ~tie).sum().item<int64_t>();
  return c;
}

}  // namespace

TEST_CASE("PyanNet registers exactly pyannote's state_dict names and shapes", "[pyannet]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  PyanNet net;
  std::map<std::string, std::vector<int64_t>> ours;
  for (const auto& p : net->named_parameters()) ours[p.key()] = p.value().sizes().vec();
  for (const auto& b : net->named_buffers()) ours[b.key()] = b.value().sizes().vec();
  std::map<std::string, std::vector<int64_t>> theirs;
  for (const auto& t : reference.tensors) theirs[t.name] = t.shape;
  CHECK(ours.size() == 54);
  CHECK(ours == theirs);
}

namespace {

struct GoldenSet {
  std::string wav;
  torch::Tensor chunks;      // [C, 1, 160000]
  torch::Tensor log_softmax;  // [C, 589, 7]
};

// The three golden files' chunks and log-probabilities, read once per process.
const std::vector<GoldenSet>& golden_sets() {
  static const std::vector<GoldenSet> sets = [] {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"data/pyannote_sample/sample.wav", "reference/segmentation_sample.safetensors"},
        {"data/ami_excerpts/dev00.wav", "reference/segmentation_dev00.safetensors"},
        {"data/synthetic_librispeech/synth_3spk_overlap.wav", "reference/segmentation_synth_3spk_overlap.safetensors"}};
    std::vector<GoldenSet> out;
    for (const auto& [wav, golden] : files) {
      const auto file = read_safetensors(test::shared_path(golden));
      out.push_back({wav, make_chunks(read_wav(test::shared_path(wav))), golden_tensor(file, "log_softmax")});
      if (out.back().chunks.size(0) != file.at("chunk_starts").numel())
        throw std::runtime_error(wav + ": chunk count differs from the golden's");
    }
    return out;
  }();
  return sets;
}

// Runs every chunk of the three golden files through the model loaded from `weights`.
void check_every_chunk(const std::string& source_name, const std::string& weights) {
  configure_torch_threads(0);
  PyanNet net = load_segmentation_model(test::shared_path(weights));
  CHECK_FALSE(net->is_training());
  for (const GoldenSet& set : golden_sets()) {
    INFO(source_name << " on " << set.wav);
    const Comparison c = compare(run_batched(net, set.chunks, 32), set.log_softmax);
    WARN(source_name << " / " << set.wav << ": max |Δ log-prob| = " << c.max_abs << ", argmax differs on "
                     << c.disagreements << " of " << c.frames << " frames (" << c.disagreements_outside_ties
                     << " outside near-ties; golden has " << c.near_ties << " near-tie frames)");
    CHECK(c.max_abs <= 1e-4);
    CHECK(c.disagreements_outside_ties == 0);
  }
}

}  // namespace

TEST_CASE("golden chunking follows the padded-last-chunk rule", "[pyannet][golden]") {
  // sample.wav (N = 480000) has no padded chunk, dev00.wav (N = 480001) has one: pitfall 1.
  CHECK(golden_sets()[0].chunks.size(0) == 21);
  CHECK(golden_sets()[1].chunks.size(0) == 22);
  CHECK(golden_sets()[2].chunks.size(0) == 46);
}

TEST_CASE("PyanNet from the int8 ONNX matches the goldens on every chunk", "[pyannet][golden][int8]") {
  check_every_chunk("int8 ONNX", "models/segmentation-3.0.int8.onnx");
}

TEST_CASE("PyanNet from the fp32 ONNX matches the goldens on every chunk", "[pyannet][golden][fp32]") {
  check_every_chunk("fp32 ONNX", "reference/segmentation-3.0.fp32.onnx");
}

TEST_CASE("PyanNet from safetensors matches the goldens on every chunk", "[pyannet][golden][safetensors]") {
  check_every_chunk("safetensors", "reference/segmentation_weights.safetensors");
}

TEST_CASE("PyanNet with torch's LSTM (CPUs without AVX-512) matches the goldens on every chunk",
          "[pyannet][golden][torch-lstm]") {
  LstmInference::disable_for_testing(true);
  check_every_chunk("safetensors, torch LSTM", "reference/segmentation_weights.safetensors");
  LstmInference::disable_for_testing(false);
}

TEST_CASE("SincNet's one-pass |x| max-pool gives bit-identical features", "[pyannet]") {
  configure_torch_threads(0);
  PyanNet net = load_segmentation_model(test::shared_path("reference/segmentation_weights.safetensors"));
  torch::Tensor chunks = make_chunks(read_wav(test::shared_path("data/pyannote_sample/sample.wav"))).slice(0, 0, 3).clone();
  chunks[1][0][777] = std::nanf("");  // NaN propagates through pooling as in max_pool1d
  torch::Tensor fused;
  {
    torch::NoGradGuard no_grad;  // CPU float without autograd: the one-pass loop
    fused = net->sincnet->forward(chunks);
  }
  const torch::Tensor reference = net->sincnet->forward(chunks).detach();  // autograd on: abs, then max_pool1d
  CHECK(torch::equal(fused.slice(0, 0, 1), reference.slice(0, 0, 1)));
  CHECK(torch::equal(fused.slice(0, 2, 3), reference.slice(0, 2, 3)));
  CHECK(fused[1].isnan().sum().item<int64_t>() == reference[1].isnan().sum().item<int64_t>());
  CHECK(fused[1].isnan().sum().item<int64_t>() > 0);
}

TEST_CASE("PyanNet output is independent of the batch it runs in", "[pyannet]") {
  configure_torch_threads(0);
  PyanNet net = load_segmentation_model(test::shared_path("reference/segmentation_weights.safetensors"));
  const torch::Tensor chunks = make_chunks(read_wav(test::shared_path("data/pyannote_sample/sample.wav"))).slice(0, 0, 4);
  const torch::Tensor together = run_batched(net, chunks, 4);
  const torch::Tensor alone = run_batched(net, chunks, 1);
  CHECK(together.sizes() == torch::IntArrayRef({4, 589, 7}));
  // Instance norm and the LSTM are per-sample; only BLAS blocking may differ (1e-5).
  CHECK((together - alone).abs().max().item<double>() <= 1e-5);
}

TEST_CASE("state dict loading is strict about names, shapes and dtypes", "[pyannet][loader]") {
  const auto reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  auto error_of = [](const std::vector<TensorData>& tensors) {
    PyanNet net;
    try {
      load_state_dict(*net, tensors, "w.safetensors");
    } catch (const FormatError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(reference.tensors) == "no error");

  auto missing = reference.tensors;
  missing.erase(missing.begin() + 3);
  CHECK_THAT(error_of(missing), Catch::Contains("missing: " + reference.tensors[3].name));

  auto extra = reference.tensors;
  extra.push_back(TensorData::from_f32("lstm.weight_ih_l4", {1}, {0.0f}));
  CHECK_THAT(error_of(extra), Catch::Contains("unexpected: lstm.weight_ih_l4"));

  auto bad_shape = reference.tensors;
  for (auto& t : bad_shape)
    if (t.name == "classifier.bias") t = TensorData::from_f32("classifier.bias", {6}, std::vector<float>(6, 0.0f));
  CHECK_THAT(error_of(bad_shape), Catch::Contains("'classifier.bias' has shape [6], the network needs [7]"));

  auto bad_dtype = reference.tensors;
  for (auto& t : bad_dtype)
    if (t.name == "classifier.bias") t = TensorData::from_f64("classifier.bias", {7}, std::vector<double>(7, 0.0));
  CHECK_THAT(error_of(bad_dtype), Catch::Contains("'classifier.bias' is F64"));

  auto twice = reference.tensors;
  twice.push_back(reference.tensors[0]);
  CHECK_THAT(error_of(twice), Catch::Contains("appears twice"));
}

TEST_CASE("load_segmentation_model refuses files that are not segmentation weights", "[pyannet][loader]") {
  // A WAV file: no model format at all.
  CHECK_THROWS_AS(load_segmentation_model(test::shared_path("data/pyannote_sample/sample.wav")), FormatError);
  CHECK_THROWS_WITH(load_segmentation_model(test::shared_path("data/pyannote_sample/sample.wav")),
                    Catch::Contains("not a model file diarize knows"));
  // A safetensors file and an ONNX file of the other network.
  CHECK_THROWS_WITH(load_segmentation_model(test::shared_path("reference/wespeaker_resnet34_random.safetensors")),
                    Catch::Contains("an embedding model, not a segmentation model"));
  CHECK_THROWS_WITH(load_segmentation_model(test::shared_path("reference/wespeaker_resnet34_random.onnx")),
                    Catch::Contains("an embedding model, not a segmentation model"));
  // A truncated safetensors file reports the safetensors problem, not an ONNX one.
  {
    auto bytes = read_binary_file(test::shared_path("reference/segmentation_weights.safetensors"));
    bytes.resize(bytes.size() / 2);
    const std::string path = test::make_temp_dir() + "/truncated.safetensors";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    CHECK_THROWS_WITH(load_segmentation_model(path), Catch::Contains("not a valid safetensors file"));
  }
  // A missing file.
  CHECK_THROWS_AS(load_segmentation_model("/nonexistent/seg.onnx"), FormatError);
}
