// Fidelity (and embedding time) of `--mode fast` against exact mode on real audio: runs the real
// segmentation model once per file, then the exact embeddings (one trunk pass per chunk) and each
// requested fast-mode variant (streamed_embeddings.h) with the same ResNet34, and prints per file and
// over all files: the number of (chunk, speaker) pairs, cosine quantiles between each pair's fast and
// exact embedding (min, 1 %, 5 %, median), the share >= 0.99, the segmentation agreement, and the
// DER of the fast diarization scored against the exact one (collar 0, overlap scored).
// Not a test: it measures and prints. The fidelity rule (issue 6) is >= 0.99 for 99 % of pairs.
//
//   fast_fidelity [--segmentation M] [--embedding M] [--threads N]
//                 [--variant NORM:ALIGN:BLOCK_S[:EXACT_BELOW_S]]... [--worst K] [--dump FILE] AUDIO...
//   NORM: sliding | block; ALIGN: split | nearest | grid2; EXACT_BELOW_S: chunks with a speaker mask
//   shorter than this are embedded exactly (StreamedEmbeddingConfig::exact_below_s); default variant
//   sliding:split:60.
//   --worst K also lists each file's K least faithful pairs: where in the chunk the mask puts its
//   weight (centre of mass, first and last active second) and how much of it there is.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "engine/neural_embeddings.h"
#include "engine/segmentation_runner.h"
#include "engine/streamed_embeddings.h"
#include "import/embedding_model_loader.h"
#include "import/segmentation_model_loader.h"
#include "nets/torch_threads.h"
#include "pipeline/diarize_pipeline.h"
#include "pipeline/embedding_masks.h"
#include "pipeline/powerset.h"
#include "scoring/der.h"
#include "test_support.h"
#include "engine/pair_cosines.h"

using namespace diarize;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;

struct Variant {
  std::string name;
  StreamedEmbeddingConfig config;
};

Variant parse_variant(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ':');) parts.push_back(part);
  if (parts.size() != 3 && parts.size() != 4)
    throw std::invalid_argument("variant must be NORM:ALIGN:BLOCK_S[:EXACT_BELOW_S], got '" + text + "'");
  Variant v{text, {}};
  if (parts[0] == "sliding") v.config.normalisation = FastNormalisation::kSlidingChunkMean;
  else if (parts[0] == "block") v.config.normalisation = FastNormalisation::kBlockMean;
  else throw std::invalid_argument("NORM must be sliding or block");
  if (parts[1] == "split") v.config.alignment = FastAlignment::kSplitWeights;
  else if (parts[1] == "nearest") v.config.alignment = FastAlignment::kNearestFrame;
  else if (parts[1] == "grid2") v.config.alignment = FastAlignment::kSecondGrid;
  else throw std::invalid_argument("ALIGN must be split, nearest or grid2");
  v.config.block_s = std::stod(parts[2]);
  if (parts.size() == 4) v.config.exact_below_s = std::stod(parts[3]);
  return v;
}


std::vector<RttmTurn> to_rttm(const Diarization& d) {
  std::vector<RttmTurn> turns;
  for (const SpeakerTurn& t : d.turns) turns.push_back(RttmTurn{"f", 1, t.start_s, t.end_s - t.start_s, d.labels[static_cast<size_t>(t.speaker)]});
  return turns;
}

struct Summary {
  std::vector<double> cosines;
  FileScore score;
  double exact_s = 0.0, fast_s = 0.0, audio_s = 0.0;
};

void print_summary(const std::string& what, const std::string& variant, Summary s) {
  std::vector<double>& c = s.cosines;
  std::sort(c.begin(), c.end());
  auto q = [&](double p) { return c.empty() ? NAN : c[static_cast<size_t>(std::floor(p * static_cast<double>(c.size() - 1)))]; };
  const double good = c.empty() ? NAN : static_cast<double>(std::count_if(c.begin(), c.end(), [](double x) { return x >= 0.99; })) / c.size();
  const std::optional<double> der = der_percent(s.score);
  std::printf("%-28s %-22s pairs %6zu  cos min %.4f p1 %.4f p5 %.4f med %.5f  >=0.99 %6.2f %%  seg 100.00 %%  "
              "DER(fast|exact) %5.2f %%  emb s exact %.2f fast %.2f (x%.1f)\n",
              what.c_str(), variant.c_str(), c.size(), q(0.0), q(0.01), q(0.05), q(0.5), 100.0 * good,
              der ? *der : 0.0, s.exact_s, s.fast_s, s.fast_s > 0 ? s.exact_s / s.fast_s : 0.0);
}

// The k least faithful pairs, with where the speaker's mask weight lies in the chunk.
void print_worst(const ChunkFrames& segmentation, const std::vector<float>& exact, const std::vector<double>& cosines,
                 int k) {
  std::vector<std::pair<double, size_t>> pairs;  // (cosine, row of [C * S])
  size_t i = 0;
  for (size_t row = 0; row * kDim < exact.size(); ++row)
    if (!std::isnan(exact[row * kDim])) pairs.emplace_back(cosines[i++], row);
  std::sort(pairs.begin(), pairs.end());
  const double frame_s = 10.0 / static_cast<double>(segmentation.num_frames);
  for (size_t j = 0; j < pairs.size() && j < static_cast<size_t>(k); ++j) {
    const int64_t c = static_cast<int64_t>(pairs[j].second) / segmentation.num_columns;
    const int64_t s = static_cast<int64_t>(pairs[j].second) % segmentation.num_columns;
    const std::vector<float> mask = embedding_mask(segmentation, c, s);
    double total = 0.0, moment = 0.0;
    int64_t first = -1, last = -1;
    for (int64_t f = 0; f < segmentation.num_frames; ++f) {
      if (mask[static_cast<size_t>(f)] <= 0.0f) continue;
      total += mask[static_cast<size_t>(f)];
      moment += mask[static_cast<size_t>(f)] * static_cast<double>(f);
      if (first < 0) first = f;
      last = f;
    }
    std::printf("    chunk %5lld spk %lld cos %.4f  mask %.2f s, centre %.2f s, active %.2f-%.2f s\n",
                static_cast<long long>(c), static_cast<long long>(s), pairs[j].first, total * frame_s,
                total > 0 ? moment / total * frame_s : -1.0, first * frame_s, (last + 1) * frame_s);
  }
}

// One line per pair: what, chunk, speaker, cosine, mask weight (s), share of it within 1.12 s (half
// the trunk's receptive field) of the chunk's borders.
void dump_pairs(FILE* out, const std::string& what, const ChunkFrames& segmentation, const std::vector<float>& exact,
                const std::vector<double>& cosines) {
  size_t i = 0;
  const double frame_s = 10.0 / static_cast<double>(segmentation.num_frames);
  for (size_t row = 0; row * kDim < exact.size(); ++row) {
    if (std::isnan(exact[row * kDim])) continue;
    const int64_t c = static_cast<int64_t>(row) / segmentation.num_columns;
    const int64_t s = static_cast<int64_t>(row) % segmentation.num_columns;
    const std::vector<float> mask = embedding_mask(segmentation, c, s);
    double total = 0.0, edge = 0.0;
    for (int64_t f = 0; f < segmentation.num_frames; ++f) {
      const double t = (static_cast<double>(f) + 0.5) * frame_s;
      total += mask[static_cast<size_t>(f)];
      if (t < 1.12 || t > 10.0 - 1.12) edge += mask[static_cast<size_t>(f)];
    }
    std::fprintf(out, "%s %lld %lld %.6f %.3f %.4f\n", what.c_str(), static_cast<long long>(c), static_cast<long long>(s),
                 cosines[i++], total * frame_s, total > 0 ? edge / total : 0.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string segmentation_path, embedding_path;
  int threads = 0;
  int worst = 0;
  std::string dump_path;  // per-pair lines: file variant chunk speaker cosine mask_s edge_share
  std::vector<Variant> variants;
  std::vector<std::string> inputs;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--segmentation") segmentation_path = value();
      else if (arg == "--embedding") embedding_path = value();
      else if (arg == "--threads") threads = std::stoi(value());
      else if (arg == "--variant") variants.push_back(parse_variant(value()));
      else if (arg == "--worst") worst = std::stoi(value());
      else if (arg == "--dump") dump_path = value();
      else if (!arg.empty() && arg[0] == '-') throw std::invalid_argument("unknown option " + arg);
      else inputs.push_back(arg);
    }
    if (inputs.empty()) throw std::invalid_argument("no audio files given");
    if (variants.empty()) variants.push_back(parse_variant("sliding:split:60"));
    if (segmentation_path.empty()) segmentation_path = test::shared_path("models/segmentation-3.0.int8.onnx");
    if (embedding_path.empty()) embedding_path = test::shared_path("reference/wespeaker_resnet34_random.safetensors");

    configure_torch_threads(threads);
    c10::InferenceMode inference_mode;
    PyanNet segmentation_model = load_segmentation_model(segmentation_path);
    WeSpeakerResNet34 embedding_model = load_embedding_model(embedding_path);
    embedding_model->set_fast_inference(true);  // as the engine does on CPU
    const c10::Device cpu(c10::kCPU);
    std::printf("trunk receptive field: %lld fbank frames\n", static_cast<long long>(trunk_receptive_field_frames()));

    std::vector<Summary> totals(variants.size());
    FILE* dump = dump_path.empty() ? nullptr : std::fopen(dump_path.c_str(), "w");
    if (!dump_path.empty() && !dump) throw std::runtime_error("cannot write " + dump_path);
    for (const std::string& input : inputs) {
      const DecodedAudio audio = decode_audio(input);
      const int64_t n = static_cast<int64_t>(audio.samples.size());
      const ChunkFrames segmentation = powerset_to_multilabel(
          run_segmentation(segmentation_model, audio.samples.data(), n, chunk_layout(n), 32, cpu, {}));
      auto t0 = Clock::now();
      const std::vector<float> exact = neural_embeddings(embedding_model, audio.samples.data(), n, segmentation, 2, cpu, {});
      const double exact_s = seconds_since(t0);
      const Diarization exact_diarization = diarize_from_segmentation(segmentation, exact, kDim, JobOptions{});
      const std::string name = input.substr(input.find_last_of('/') + 1);
      for (size_t v = 0; v < variants.size(); ++v) {
        t0 = Clock::now();
        const std::vector<float> fast =
            streamed_embeddings(embedding_model, audio.samples.data(), n, segmentation, variants[v].config, cpu, {});
        Summary s;
        s.fast_s = seconds_since(t0);
        s.exact_s = exact_s;
        s.audio_s = static_cast<double>(n) / 16000.0;
        s.cosines = test::pair_cosines(exact, fast, kDim);
        const Diarization fast_diarization = diarize_from_segmentation(segmentation, fast, kDim, JobOptions{});
        s.score = score_file(name, to_rttm(exact_diarization), to_rttm(fast_diarization), nullptr, ScoringOptions{});
        print_summary(name, variants[v].name, s);
        if (worst > 0) print_worst(segmentation, exact, s.cosines, worst);
        if (dump) dump_pairs(dump, name + " " + variants[v].name, segmentation, exact, s.cosines);
        Summary& t = totals[v];
        t.cosines.insert(t.cosines.end(), s.cosines.begin(), s.cosines.end());
        t.score = sum_scores({t.score, s.score});
        t.exact_s += s.exact_s;
        t.fast_s += s.fast_s;
        t.audio_s += s.audio_s;
      }
      std::fflush(stdout);
    }
    if (dump) std::fclose(dump);
    for (size_t v = 0; v < variants.size(); ++v) print_summary("ALL", variants[v].name, totals[v]);
    std::printf("(seg: fast mode runs the same segmentation stage on the same audio, so frame agreement is 100 %% by construction)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fast_fidelity: %s\n", e.what());
    return 1;
  }
  return 0;
}
