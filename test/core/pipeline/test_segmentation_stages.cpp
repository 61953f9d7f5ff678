// Chunking, frame grid, powerset decoding, speaker counting and embedding masks against the
// segmentation goldens of three files (sample: no padded chunk, dev00/synth: padded last chunk).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/pipeline/golden_arrays.h"
#include "pipeline/aggregation.h"
#include "pipeline/chunking.h"
#include "pipeline/embedding_masks.h"
#include "pipeline/frame_grid.h"
#include "pipeline/powerset.h"
#include "pipeline/speaker_count.h"

using namespace diarize;
using diarize::test::chunk_frames_from;
using diarize::test::read_golden;

TEST_CASE("frame grid rounds half to even like np.rint", "[pipeline][frame_grid]") {
  const FrameGrid grid = segmentation_frame_grid();
  CHECK(grid.closest_frame(10.0) == 588);   // 588.5
  CHECK(grid.closest_frame(20.0) == 1178);  // 1177.5
  CHECK(grid.closest_frame(30.0) == 1766);  // 1766.5
  CHECK(grid.closest_frame(40.0) == 2356);  // 2355.5
  CHECK(grid.closest_frame(0.0) == 0);      // -0.5 -> -0
}

TEST_CASE("chunk layout follows Inference.slide", "[pipeline][chunking]") {
  CHECK(chunk_layout(480000).num_chunks() == 21);
  CHECK_FALSE(chunk_layout(480000).has_padded_chunk);
  CHECK(chunk_layout(480001).num_chunks() == 22);
  CHECK(chunk_layout(480001).has_padded_chunk);
  CHECK(chunk_layout(1).num_chunks() == 1);  // shorter than one window: one padded chunk
  CHECK(chunk_layout(160000).num_chunks() == 1);
  CHECK(chunk_layout(0).num_chunks() == 1);

  std::vector<float> samples(175000);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<float>(i);
  std::vector<float> chunk(160000, -1.0f);
  fill_chunk(samples.data(), static_cast<int64_t>(samples.size()), 1, chunk.data());
  CHECK(chunk[0] == 16000.0f);
  CHECK(chunk[158999] == 174999.0f);
  CHECK(chunk[159000] == 0.0f);
  CHECK(chunk[159999] == 0.0f);
}

namespace {

void check_segmentation_golden(const std::string& file, int64_t expected_chunks, bool expected_padded) {
  INFO(file);
  const SafetensorsFile golden = read_golden(file);
  const int64_t num_samples = golden.at("num_samples").to_i64().at(0);
  const ChunkLayout layout = chunk_layout(num_samples);
  REQUIRE(layout.num_chunks() == expected_chunks);
  CHECK(layout.has_padded_chunk == expected_padded);
  CHECK(layout.has_padded_chunk == (golden.at("has_padded_last_chunk").to_i64().at(0) != 0));

  // Grids: exact doubles (they are computed, not measured).
  const FrameGrid chunks = chunk_grid();
  const std::vector<double> window = golden.at("chunk_window").to_f64();  // start, duration, step
  CHECK(chunks.start_s == window[0]);
  CHECK(chunks.duration_s == window[1]);
  CHECK(chunks.step_s == window[2]);
  const FrameGrid frames = segmentation_frame_grid();
  const std::vector<double> count_frames = golden.at("count_frames").to_f64();  // start, step, duration
  CHECK(frames.start_s == count_frames[0]);
  CHECK(frames.step_s == count_frames[1]);
  CHECK(frames.duration_s == count_frames[2]);
  const std::vector<double> chunk_starts = golden.at("chunk_starts").to_f64();
  for (int64_t c = 0; c < layout.num_chunks(); ++c) CHECK(chunks.frame_start_s(c) == chunk_starts[static_cast<size_t>(c)]);

  // Exact: integer frame indices.
  CHECK(chunk_start_frames(layout.num_chunks(), chunks, frames) == golden.at("chunk_start_frames").to_i64());

  // Powerset decoding of the golden log-softmax must give the golden hard segmentation exactly
  // (same float32 inputs, so argmax has no near-tie to disagree on).
  const ChunkFrames log_softmax = chunk_frames_from(golden.at("log_softmax"));
  REQUIRE(log_softmax.num_chunks == layout.num_chunks());
  const ChunkFrames segmentation = powerset_to_multilabel(log_softmax);
  const ChunkFrames expected = chunk_frames_from(golden.at("segmentation"));
  REQUIRE(segmentation.values.size() == expected.values.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < expected.values.size(); ++i)
    if (segmentation.values[i] != expected.values[i]) ++mismatches;
  CHECK(mismatches == 0);

  // Count: exact uint8; the pre-rounding mean within 1e-6 (it is a float32 ratio of small integers,
  // so it should in fact be bit-identical).
  const SpeakerCount count = speaker_count(expected, chunks, frames);
  const std::vector<int64_t> golden_count = golden.at("count").to_i64();
  const std::vector<float> golden_mean = golden.at("count_float").to_f32();
  REQUIRE(count.num_frames() == static_cast<int64_t>(golden_count.size()));
  size_t count_mismatches = 0;
  float worst = 0.0f;
  for (size_t i = 0; i < golden_count.size(); ++i) {
    if (count.count[i] != golden_count[i]) ++count_mismatches;
    worst = std::max(worst, std::fabs(count.mean[i] - golden_mean[i]));
  }
  CHECK(count_mismatches == 0);
  CHECK(worst <= 1e-6f);
}

}  // namespace

TEST_CASE("segmentation stages match the sample.wav golden", "[pipeline][golden]") {
  check_segmentation_golden("segmentation_sample.safetensors", 21, false);
}

TEST_CASE("segmentation stages match the dev00.wav golden", "[pipeline][golden]") {
  check_segmentation_golden("segmentation_dev00.safetensors", 22, true);
}

TEST_CASE("segmentation stages match the synth_3spk_overlap.wav golden", "[pipeline][golden]") {
  check_segmentation_golden("segmentation_synth_3spk_overlap.safetensors", 46, true);
}

TEST_CASE("embedding masks exclude overlap like get_embeddings", "[pipeline][golden]") {
  const ChunkFrames segmentation =
      chunk_frames_from(read_golden("segmentation_sample.safetensors").at("segmentation"));
  const SafetensorsFile golden = read_golden("fbank_embedding_sample.safetensors");
  const std::vector<int64_t> chunk = golden.at("mask_realistic_chunk").to_i64();
  const std::vector<int64_t> speaker = golden.at("mask_realistic_speaker").to_i64();
  const std::vector<float> expected = golden.at("mask_realistic").to_f32();
  const std::vector<float> expected_raw = golden.at("mask_realistic_raw").to_f32();
  CHECK(golden.at("min_num_frames").to_i64().at(0) == EmbeddingMaskConfig{}.min_num_frames);
  for (size_t i = 0; i < chunk.size(); ++i) {
    const std::vector<float> mask = embedding_mask(segmentation, chunk[i], speaker[i]);
    const std::vector<float> raw = embedding_mask(segmentation, chunk[i], speaker[i], {false, 2});
    REQUIRE(mask.size() == 589);
    // Exact: 0/1 masks.
    CHECK(std::equal(mask.begin(), mask.end(), expected.begin() + static_cast<long>(i * 589)));
    CHECK(std::equal(raw.begin(), raw.end(), expected_raw.begin() + static_cast<long>(i * 589)));
  }
  // Local speaker 0 never speaks in sample.wav.
  const std::vector<uint8_t> active = active_speakers(segmentation);
  for (int64_t c = 0; c < segmentation.num_chunks; ++c) CHECK(active[static_cast<size_t>(c * 3)] == 0);
}

TEST_CASE("embedding mask falls back to the full mask when too few clean frames remain", "[pipeline]") {
  ChunkFrames segmentation(1, 10, 3);
  for (int f = 0; f < 6; ++f) segmentation.at(0, f, 0) = 1.0f;
  for (int f = 0; f < 4; ++f) segmentation.at(0, f, 1) = 1.0f;  // overlap on frames 0..3
  // Speaker 0: clean frames 4, 5 -> 2 frames, not > 2: full mask.
  std::vector<float> mask = embedding_mask(segmentation, 0, 0);
  CHECK(std::count(mask.begin(), mask.end(), 1.0f) == 6);
  segmentation.at(0, 6, 0) = 1.0f;  // now 3 clean frames: clean mask
  mask = embedding_mask(segmentation, 0, 0);
  CHECK(std::count(mask.begin(), mask.end(), 1.0f) == 3);
  CHECK(mask[0] == 0.0f);
  CHECK(mask[4] == 1.0f);
}
