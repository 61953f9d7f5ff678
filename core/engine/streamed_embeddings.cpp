// Fast-mode embeddings: fbank + normalisation + ResNet34 trunk per block of the (padded) file, trunk
// frames kept only until every chunk that needs them has been pooled.
//
// Geometry. Chunk c covers samples [16000 c, 16000 c + 160000), so its 998 fbank frames are the global
// frames [100 c, 100 c + 998) (snip_edges: global frame g uses samples [160 g, 160 g + 400)). The
// stream covers the frames [0, G) up to the end of the last full chunk; the zero-padded chunk after
// it is embedded the exact way. The trunk halves time three times with 3x3 stride-2
// convolutions (padding 1), so its output frame u is centred on input frame 8 u and depends on the
// input frames within trunk_receptive_field_frames() / 2 = 112 of it. A trunk pass over the frames
// [p, G) therefore defines one global "grid" (phase p): frame u centred on fbank frame p + 8 u. A block
// computes the outputs [k B, (k + 1) B) of that pass from the inputs within a 112-frame margin of
// them; its first input frame stays on the 8-frame grid, so the stride-2 layers sample the same
// positions and the block's outputs equal the whole pass's (float rounding aside), as the test checks.
// Chunk c's trunk frame j is centred on fbank frame 100 c + 8 j: on the phase-0 grid for even c,
// 4 frames (half a trunk frame) off it for odd c.
#include "engine/streamed_embeddings.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/neural_embeddings.h"
#include "nets/fbank.h"
#include "nets/stats_pool.h"
#include "pipeline/chunking.h"
#include "pipeline/embedding_masks.h"

namespace diarize {
namespace {

constexpr int64_t kFrameShiftSamples = 160;  // fbank: 10 ms
constexpr int64_t kFrameLengthSamples = 400;  // fbank: 25 ms
constexpr int64_t kTrunkStride = 8;           // three stride-2 stages
constexpr int64_t kPoolGroup = 32;            // chunks pooled per call: bounds the [n, 2560, 126] windows
// Trunk frames one chunk's pooling reads: its 125 frames, plus one when it sits between two grid frames.
constexpr int64_t kPoolWidth = 126;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Geometry {
  int64_t frames_per_step = 0;   // fbank frames per chunk step (100)
  int64_t chunk_frames = 0;      // fbank frames per chunk (998)
  int64_t chunk_trunk_frames = 0;  // trunk frames per chunk (125)
  int64_t total_frames = 0;      // G: fbank frames up to the end of the last full chunk
  int64_t margin_frames = 0;     // fbank frames of context each side of a block (multiple of 8)
};

// Raw fbank of the global frames [first, last) of the audio zero-padded past num_samples.
at::Tensor fbank_frames(const float* samples, int64_t num_samples, int64_t first, int64_t last) {
  const int64_t begin = first * kFrameShiftSamples;
  const int64_t length = (last - first - 1) * kFrameShiftSamples + kFrameLengthSamples;
  at::Tensor waveform = at::zeros({1, length}, at::kFloat);
  const int64_t available = std::clamp<int64_t>(num_samples - begin, 0, length);
  if (available > 0) std::memcpy(waveform.data_ptr<float>(), samples + begin, sizeof(float) * available);
  return compute_fbank(waveform)[0];  // [last - first, 80]
}

// Normalised fbank [last - first, 80] for the trunk input frames [first, last).
at::Tensor normalised_fbank(const float* samples, int64_t num_samples, int64_t first, int64_t last,
                            const Geometry& g, FastNormalisation normalisation) {
  if (normalisation == FastNormalisation::kBlockMean) {
    const at::Tensor fbank = fbank_frames(samples, num_samples, first, last);
    return fbank - fbank.mean(0, /*keepdim=*/true);
  }
  // The window of frame f is [w0(f), w0(f) + 998), centred on f and shifted inside the file at its
  // ends, where exact mode's first and last chunks use exactly those frames too.
  const int64_t half = g.chunk_frames / 2;
  auto window_start = [&](int64_t f) { return std::clamp<int64_t>(f - half, 0, g.total_frames - g.chunk_frames); };
  const int64_t context_first = window_start(first);
  const int64_t context_last = window_start(last - 1) + g.chunk_frames;
  const at::Tensor fbank = fbank_frames(samples, num_samples, context_first, context_last);
  // Window sums from a float64 running sum: the float32 one would lose digits over a minute of frames.
  const at::Tensor running = at::constant_pad_nd(fbank.to(at::kDouble).cumsum(0), {0, 0, 1, 0}, 0.0);
  const at::Tensor lo = (at::arange(first, last, at::kLong) - half).clamp(0, g.total_frames - g.chunk_frames) - context_first;
  const at::Tensor mean = (running.index_select(0, lo + g.chunk_frames) - running.index_select(0, lo)) /
                          static_cast<double>(g.chunk_frames);
  return fbank.narrow(0, first - context_first, last - first) - mean.to(at::kFloat);
}

// One chunk to pool from a grid: where its 126-frame window starts on that grid and whether its
// frames sit on grid frames (else half a frame after them).
struct PoolItem {
  int64_t chunk = 0;
  int64_t start = 0;
  bool on_grid = true;
};

class GridPooler {
 public:
  GridPooler(WeSpeakerResNet34& model, const ChunkFrames& segmentation, const std::vector<uint8_t>& active,
             std::vector<PoolItem> items, FastAlignment alignment, const c10::Device& device, float* embeddings)
      : model_(model), segmentation_(segmentation), active_(active), items_(std::move(items)),
        alignment_(alignment), device_(device), embeddings_(embeddings) {}

  // Appends the grid's frames [buffer end, + features.size(1)); `last` closes the grid.
  void append(const at::Tensor& features, bool last) {
    at::Tensor added = last ? at::constant_pad_nd(features, {0, 1}, 0.0) : features;  // pooling may read one past the end
    if (!buffer_.defined()) {
      buffer_ = added;
    } else {
      const int64_t keep_from = next_ < items_.size() ? std::min(items_[next_].start, buffer_end()) : buffer_end();
      buffer_ = at::cat({buffer_.narrow(1, keep_from - buffer_start_, buffer_end() - keep_from), added}, 1);
      buffer_start_ = keep_from;
    }
    size_t ready = next_;
    while (ready < items_.size() && items_[ready].start + kPoolWidth <= buffer_end()) ++ready;
    for (size_t first = next_; first < ready; first += kPoolGroup) pool(first, std::min<size_t>(ready, first + kPoolGroup));
    next_ = ready;
  }

  bool done() const { return next_ == items_.size(); }

 private:
  int64_t buffer_end() const { return buffer_start_ + buffer_.size(1); }

  void pool(size_t first, size_t last) {
    const int64_t count = static_cast<int64_t>(last - first);
    const int64_t num_speakers = segmentation_.num_columns;
    const int64_t num_frames = segmentation_.num_frames;
    constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;
    at::Tensor masks = at::zeros({count, num_speakers, num_frames}, at::kFloat);
    std::vector<at::Tensor> windows;
    windows.reserve(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      const PoolItem& item = items_[first + static_cast<size_t>(i)];
      for (int64_t s = 0; s < num_speakers; ++s) {
        if (!active_[static_cast<size_t>(item.chunk * num_speakers + s)]) continue;
        const std::vector<float> mask = embedding_mask(segmentation_, item.chunk, s);
        std::memcpy(masks.data_ptr<float>() + (i * num_speakers + s) * num_frames, mask.data(), sizeof(float) * mask.size());
      }
      windows.push_back(buffer_.narrow(1, item.start - buffer_start_, kPoolWidth));
    }
    // Resized onto the chunk's 125 trunk frames exactly as exact mode resizes them, then placed on the grid.
    const at::Tensor on_chunk = resize_weights(masks, kPoolWidth - 1);
    const at::Tensor on_grid = at::constant_pad_nd(on_chunk, {0, 1}, 0.0);
    const at::Tensor split = 0.5 * (on_grid + at::constant_pad_nd(on_chunk, {1, 0}, 0.0));
    std::vector<at::Tensor> weights;
    for (int64_t i = 0; i < count; ++i) {
      const PoolItem& item = items_[first + static_cast<size_t>(i)];
      const bool use_split = !item.on_grid && alignment_ == FastAlignment::kSplitWeights;
      weights.push_back((use_split ? split : on_grid)[i]);
    }
    const at::Tensor pooled =
        model_->pool_and_embed(at::stack(windows), at::stack(weights).to(device_)).to(at::kCPU).contiguous();
    const float* out = pooled.data_ptr<float>();  // [count, S, 256]
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = items_[first + static_cast<size_t>(i)].chunk;
      for (int64_t s = 0; s < num_speakers; ++s) {
        if (!active_[static_cast<size_t>(c * num_speakers + s)]) continue;
        std::memcpy(embeddings_ + (c * num_speakers + s) * kDim, out + (i * num_speakers + s) * kDim, sizeof(float) * kDim);
      }
    }
  }

  WeSpeakerResNet34& model_;
  const ChunkFrames& segmentation_;
  const std::vector<uint8_t>& active_;
  std::vector<PoolItem> items_;
  FastAlignment alignment_;
  c10::Device device_;
  float* embeddings_;
  at::Tensor buffer_;  // [2560, n] trunk frames [buffer_start_, buffer_end()) of the grid, on the device
  int64_t buffer_start_ = 0;
  size_t next_ = 0;  // first item not pooled yet
};

}  // namespace

int64_t trunk_receptive_field_frames() {
  // Along time every convolution of the trunk is 3 wide (the 1x1 shortcuts see less): the stem, then
  // stages of [3, 4, 6, 3] two-conv blocks whose first conv has stride [1, 2, 2, 2].
  int64_t field = 1, jump = 1;
  auto conv3 = [&](int64_t stride) {
    field += 2 * jump;
    jump *= stride;
  };
  conv3(1);
  const int64_t blocks[] = {3, 4, 6, 3}, strides[] = {1, 2, 2, 2};
  for (int stage = 0; stage < 4; ++stage)
    for (int64_t b = 0; b < blocks[stage]; ++b) {
      conv3(b == 0 ? strides[stage] : 1);
      conv3(1);
    }
  return field;
}

std::vector<float> streamed_embeddings(WeSpeakerResNet34& model, const float* samples, int64_t num_samples,
                                       const ChunkFrames& segmentation, const StreamedEmbeddingConfig& config,
                                       const c10::Device& device,
                                       const std::function<void(int64_t, int64_t)>& on_block) {
  if (!(config.block_s >= 1.0 && config.block_s <= 3600.0))
    throw std::invalid_argument("fast mode: block_s must be between 1 and 3600 seconds");
  if (config.blocks_per_batch < 1) throw std::invalid_argument("fast mode: blocks_per_batch must be >= 1");
  const ChunkingConfig chunking;
  const int64_t num_chunks = segmentation.num_chunks;
  const int64_t num_speakers = segmentation.num_columns;
  constexpr int64_t kDim = WeSpeakerResNet34Config::embedding_dim;
  std::vector<float> embeddings(static_cast<size_t>(num_chunks * num_speakers * kDim),
                                std::numeric_limits<float>::quiet_NaN());
  if (num_chunks == 0) return embeddings;

  Geometry g;
  g.frames_per_step = chunking.step_samples / kFrameShiftSamples;
  g.chunk_frames = 1 + (chunking.window_samples - kFrameLengthSamples) / kFrameShiftSamples;
  g.chunk_trunk_frames = ceil_div(g.chunk_frames, kTrunkStride);
  // The zero-padded last chunk is embedded as exact mode does it (one chunk: a tenth of a second):
  // its mean is dominated by the padding's log(epsilon) frames, which no sliding window reproduces,
  // and a window reaching into the padding would spoil the other chunks near the end.
  const ChunkLayout layout = chunk_layout(num_samples, chunking);
  if (layout.num_chunks() != num_chunks)
    throw std::invalid_argument("fast mode: the segmentation has " + std::to_string(num_chunks) + " chunks, the audio " +
                                std::to_string(layout.num_chunks()));
  if (layout.has_padded_chunk) {
    const int64_t c = layout.num_full_chunks;
    ChunkFrames one(1, segmentation.num_frames, num_speakers);
    std::copy_n(segmentation.values.begin() + static_cast<std::ptrdiff_t>(segmentation.index(c, 0, 0)), one.values.size(),
                one.values.begin());
    const int64_t offset = chunk_start_sample(c, chunking);
    const std::vector<float> tail = neural_embeddings(model, samples + offset, num_samples - offset, one, 1, device, {});
    std::copy(tail.begin(), tail.end(), embeddings.begin() + c * num_speakers * kDim);
  }
  if (layout.num_full_chunks == 0) return embeddings;
  g.total_frames = (layout.num_full_chunks - 1) * g.frames_per_step + g.chunk_frames;
  g.margin_frames = ceil_div(trunk_receptive_field_frames() / 2, kTrunkStride) * kTrunkStride;
  const int64_t block_trunk_frames = std::max<int64_t>(
      1, std::llround(config.block_s * chunking.sample_rate_hz / kFrameShiftSamples / kTrunkStride));

  const std::vector<uint8_t> active = active_speakers(segmentation);
  std::vector<int64_t> chunks;  // chunks with at least one active speaker
  for (int64_t c = 0; c < layout.num_full_chunks; ++c) {
    bool any = false;
    for (int64_t s = 0; s < num_speakers; ++s) any = any || active[static_cast<size_t>(c * num_speakers + s)];
    if (any) chunks.push_back(c);
  }
  if (chunks.empty()) return embeddings;

  if (config.exact_below_s > 0.0) {
    std::vector<uint8_t> exact_chunks(static_cast<size_t>(num_chunks), 0);
    const double frame_s = static_cast<double>(chunking.window_samples) / chunking.sample_rate_hz / segmentation.num_frames;
    bool any = false;
    for (int64_t c : chunks)
      for (int64_t s = 0; s < num_speakers; ++s) {
        if (!active[static_cast<size_t>(c * num_speakers + s)]) continue;
        const std::vector<float> mask = embedding_mask(segmentation, c, s);
        double speech_s = 0.0;
        for (float w : mask) speech_s += w * frame_s;
        if (speech_s < config.exact_below_s) exact_chunks[static_cast<size_t>(c)] = 1;
        any = any || exact_chunks[static_cast<size_t>(c)];
      }
    if (any) {
      const std::vector<float> exact =
          neural_embeddings(model, samples, num_samples, segmentation, config.exact_batch, device, {}, &exact_chunks);
      std::vector<int64_t> rest;
      for (int64_t c : chunks) {
        if (!exact_chunks[static_cast<size_t>(c)]) {
          rest.push_back(c);
          continue;
        }
        std::copy_n(exact.begin() + c * num_speakers * kDim, num_speakers * kDim, embeddings.begin() + c * num_speakers * kDim);
      }
      chunks.swap(rest);
      if (chunks.empty()) return embeddings;
    }
  }

  // Grid phases (fbank frame of trunk frame 0) and the chunks each serves.
  std::vector<int64_t> phases{0};
  if (config.alignment == FastAlignment::kSecondGrid) phases.push_back(kTrunkStride / 2);
  int64_t total_blocks = 0;
  for (int64_t phase : phases) total_blocks += ceil_div(ceil_div(g.total_frames - phase, kTrunkStride), block_trunk_frames);

  torch::NoGradGuard no_grad;
  int64_t blocks_done = 0;
  for (int64_t phase : phases) {
    std::vector<PoolItem> items;
    for (int64_t c : chunks) {
      const int64_t first_centre = c * g.frames_per_step;  // fbank frame of the chunk's trunk frame 0
      const bool on_grid = (first_centre - phase) % kTrunkStride == 0;
      if (phases.size() > 1 && !on_grid) continue;  // the other grid serves it
      items.push_back(PoolItem{c, (first_centre - phase) / kTrunkStride, on_grid});
    }
    GridPooler pooler(model, segmentation, active, std::move(items), config.alignment, device, embeddings.data());

    const int64_t grid_frames = ceil_div(g.total_frames - phase, kTrunkStride);
    const int64_t num_blocks = ceil_div(grid_frames, block_trunk_frames);
    // Blocks of equal input length share a trunk batch; their outputs are pooled in order.
    struct Pending {
      int64_t first_output, num_outputs, input_offset;  // grid frames; block output index of first_output
      at::Tensor input;                                 // [frames, 80]
    };
    std::vector<Pending> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      std::vector<at::Tensor> inputs;
      for (const Pending& p : batch) inputs.push_back(p.input);
      const at::Tensor features = model->trunk(at::stack(inputs).to(device));  // [n, 2560, T']
      for (size_t i = 0; i < batch.size(); ++i) {
        const Pending& p = batch[i];
        const bool last = p.first_output + p.num_outputs == grid_frames;
        pooler.append(features[static_cast<int64_t>(i)].narrow(1, p.input_offset, p.num_outputs), last);
        if (on_block) on_block(++blocks_done, total_blocks);
      }
      batch.clear();
    };
    for (int64_t k = 0; k < num_blocks && !pooler.done(); ++k) {
      const int64_t first_output = k * block_trunk_frames;
      const int64_t num_outputs = std::min(block_trunk_frames, grid_frames - first_output);
      // Input frames relative to the grid's first frame; the start stays a multiple of 8.
      const int64_t input_first = std::max<int64_t>(0, first_output * kTrunkStride - g.margin_frames);
      const int64_t input_last =
          std::min(g.total_frames - phase, (first_output + num_outputs) * kTrunkStride + g.margin_frames);
      at::Tensor input = normalised_fbank(samples, num_samples, phase + input_first, phase + input_last, g,
                                          config.normalisation);
      if (!batch.empty() && (batch.back().input.size(0) != input.size(0) ||
                             static_cast<int>(batch.size()) >= config.blocks_per_batch))
        flush();
      batch.push_back(Pending{first_output, num_outputs, first_output - input_first / kTrunkStride, std::move(input)});
    }
    flush();
    if (!pooler.done()) throw std::logic_error("fast mode: chunks left unpooled at the end of the file");
  }
  return embeddings;
}

}  // namespace diarize
