// Reconstruction and binarization against the synth_3spk_overlap goldens, and the whole torch-free
// pipeline (segmentation + embeddings -> RTTM) for the five speaker-constraint cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/pipeline/golden_arrays.h"
#include "errors.h"
#include "output/rttm.h"
#include "pipeline/aggregation.h"
#include "pipeline/binarize.h"
#include "pipeline/chunking.h"
#include "pipeline/diarize_pipeline.h"
#include "pipeline/reconstruction.h"
#include "pipeline/speaker_count.h"

using namespace diarize;
using diarize::test::chunk_frames_from;
using diarize::test::ints_from;
using diarize::test::read_golden;

TEST_CASE("reconstruction matches the pyannote 3.1.1 golden (case none)", "[pipeline][reconstruction][golden]") {
  const SafetensorsFile golden = read_golden("reconstruction_synth_3spk_overlap.safetensors");
  const ChunkFrames segmentation = chunk_frames_from(golden.at("segmentation"));
  const std::vector<int> hard = ints_from(golden.at("hard_clusters_final"));
  const FrameGrid chunks = chunk_grid();
  const FrameGrid frames = segmentation_frame_grid();

  const SpeakerCount count = speaker_count(segmentation, chunks, frames);
  CHECK(count.count == [&] {
    std::vector<uint8_t> v;
    for (const int64_t c : golden.at("count").to_i64()) v.push_back(static_cast<uint8_t>(c));
    return v;
  }());
  const std::vector<int> capped = cap_count(count.count, 0);
  CHECK(capped == ints_from(golden.at("count_capped")));

  // All comparisons exact: the values are 0/1/NaN and sums of at most ten of them. The dense
  // clustered segmentations pyannote builds are aggregated as it does, and must give the same sums
  // as the chunk-by-chunk reconstruction.
  const ChunkFrames dense = chunk_frames_from(golden.at("clustered_segmentations"));
  const FrameSeries dense_sums = aggregate(dense, chunks, frames, AggregationOptions{true, 0.0f});
  const FrameSeries sums = clustered_activations(segmentation, hard, chunks, frames);
  CHECK(sums.num_frames == dense_sums.num_frames);
  CHECK(sums.num_columns == dense_sums.num_columns);
  CHECK(sums.values == dense_sums.values);

  const FrameSeries activations = padded_activations(sums, capped);
  CHECK(activations.values == golden.at("activations").to_f32());
  const FrameSeries binary = discrete_diarization(activations, capped);
  CHECK(binary.values == golden.at("discrete_diarization").to_f32());
  const std::vector<double> grid = golden.at("discrete_frames").to_f64();
  CHECK(binary.frames.start_s == grid[0]);
  CHECK(binary.frames.step_s == grid[1]);
  CHECK(binary.frames.duration_s == grid[2]);

  const BinarizedDiarization result = binarize(binary);
  CHECK(format_rttm("synth_3spk_overlap", result.diarization) == golden.metadata.at("rttm"));
}

TEST_CASE("the torch-free pipeline reproduces the five pyannote RTTMs line for line", "[pipeline][golden]") {
  const ChunkFrames segmentation =
      chunk_frames_from(read_golden("segmentation_synth_3spk_overlap.safetensors").at("segmentation"));
  const SafetensorsFile clustering = read_golden("clustering_synth_3spk_overlap.safetensors");
  const TensorData& embeddings = clustering.at("embeddings");
  const int64_t dim = embeddings.shape[2];

  struct Case {
    const char* name;
    JobOptions options;
  };
  JobOptions none, num2, num4, min4, max2;
  num2.num_speakers = 2;
  num4.num_speakers = 4;
  min4.min_speakers = 4;
  max2.max_speakers = 2;
  for (const Case& c : {Case{"none", none}, Case{"num2", num2}, Case{"num4", num4}, Case{"min4", min4},
                        Case{"max2", max2}}) {
    INFO("case " << c.name);
    JobOptions options = c.options;
    options.return_centroids = true;
    const Diarization d = diarize_from_segmentation(segmentation, embeddings.to_f32(), dim, options);
    const std::string expected =
        diarize::test::read_text_file(diarize::test::shared_path(std::string("reference/synth_3spk_overlap.") + c.name + ".rttm"));
    CHECK(format_rttm("synth_3spk_overlap", d) == expected);

    // Centroids come back in label order; here every cluster has a label, so they are the
    // clustering's centroids in cluster order (1e-5: see the clustering test).
    const std::vector<float> centroids = clustering.at(std::string(c.name) + "/centroids").to_f32();
    REQUIRE(d.centroids.size() * static_cast<size_t>(dim) == centroids.size());
    float worst = 0.0f;
    for (size_t k = 0; k < d.centroids.size(); ++k)
      for (int64_t i = 0; i < dim; ++i)
        worst = std::max(worst, std::fabs(d.centroids[k][static_cast<size_t>(i)] -
                                          centroids[k * static_cast<size_t>(dim) + static_cast<size_t>(i)]));
    CHECK(worst <= 1e-5f);
  }
}

TEST_CASE("exclusive diarization never overlaps and keeps the regular labels", "[pipeline]") {
  const ChunkFrames segmentation =
      chunk_frames_from(read_golden("segmentation_synth_3spk_overlap.safetensors").at("segmentation"));
  const SafetensorsFile clustering = read_golden("clustering_synth_3spk_overlap.safetensors");
  const TensorData& embeddings = clustering.at("embeddings");
  JobOptions options;
  const Diarization regular = diarize_from_segmentation(segmentation, embeddings.to_f32(), embeddings.shape[2], options);
  REQUIRE_FALSE(regular.exclusive_turns.empty());
  // Every label of the regular diarization speaks alone somewhere in this file.
  std::vector<bool> speaks(regular.labels.size(), false);
  for (const SpeakerTurn& t : regular.exclusive_turns) speaks.at(static_cast<size_t>(t.speaker)) = true;
  CHECK(std::count(speaks.begin(), speaks.end(), true) == static_cast<long>(regular.labels.size()));
  std::vector<SpeakerTurn> turns = regular.exclusive_turns;
  sort_turns(turns);
  for (size_t i = 1; i < turns.size(); ++i) CHECK(turns[i].start_s >= turns[i - 1].end_s - 1e-9);
  // The regular output of this file does overlap (the golden has 2-speaker frames).
  std::vector<SpeakerTurn> regular_turns = regular.turns;
  sort_turns(regular_turns);
  bool overlaps = false;
  for (size_t i = 1; i < regular_turns.size(); ++i) overlaps |= regular_turns[i].start_s < regular_turns[i - 1].end_s;
  CHECK(overlaps);
}

TEST_CASE("binarize: frame middles, open regions close at the last middle, labels sorted as strings",
          "[pipeline][binarize]") {
  FrameSeries binary;
  binary.frames = FrameGrid{0.0, 1.0, 1.0};
  binary.num_frames = 4;
  binary.num_columns = 11;
  binary.values.assign(44, 0.0f);
  binary.at(1, 2) = 1.0f;   // cluster 2: frame 1 only -> [1.5, 2.5]
  binary.at(2, 10) = 1.0f;  // cluster 10: frames 2..3, open at the end -> [2.5, 3.5]
  binary.at(3, 10) = 1.0f;
  binary.at(3, 0) = 1.0f;   // cluster 0: only the last frame -> empty segment, dropped
  const BinarizedDiarization b = binarize(binary);
  // Annotation.labels() sorts by str: "10" < "2".
  CHECK(b.label_clusters == std::vector<int64_t>{10, 2});
  REQUIRE(b.diarization.turns.size() == 2);
  CHECK(b.diarization.turns[0].start_s == 1.5);
  CHECK(b.diarization.turns[0].end_s == 2.5);
  CHECK(b.diarization.labels[b.diarization.turns[0].speaker] == "SPEAKER_01");
  CHECK(b.diarization.turns[1].start_s == 2.5);
  CHECK(b.diarization.turns[1].end_s == 3.5);
  CHECK(b.diarization.labels[b.diarization.turns[1].speaker] == "SPEAKER_00");
}

TEST_CASE("pipeline edge cases: silence gives no speakers, bad speaker bounds are usage errors", "[pipeline]") {
  ChunkFrames silence(2, 589, 3);
  const std::vector<float> embeddings(2 * 3 * 4, std::nanf(""));
  CHECK(diarize_from_segmentation(silence, embeddings, 4, {}).turns.empty());
  JobOptions bad;
  bad.min_speakers = 3;
  bad.max_speakers = 2;
  CHECK_THROWS_AS(diarize_from_segmentation(silence, embeddings, 4, bad), UsageError);
  bad = JobOptions{};
  bad.num_speakers = -1;
  CHECK_THROWS_AS(diarize_from_segmentation(silence, embeddings, 4, bad), UsageError);
  CHECK_THROWS_AS(diarize_from_segmentation(silence, std::vector<float>(5), 4, {}), std::invalid_argument);
}
