// Chunk stitching: local speakers of overlapping chunks linked into tracks through shared frames.
#include <catch2/catch.hpp>

#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_stitching.h"

using namespace diarize;

namespace {

// A [C, 589, 3] segmentation where global speaker g speaks during `turns[g]` (seconds) and sits
// in local column `column(c, g)` of chunk c.
struct Layout {
  int num_chunks;
  std::vector<std::vector<std::pair<double, double>>> turns;
  std::vector<std::vector<int>> column;  // [c][g], -1: not in this chunk
};

std::vector<float> build(const Layout& layout) {
  std::vector<float> seg(static_cast<size_t>(layout.num_chunks) * 589 * 3, 0.0f);
  for (int c = 0; c < layout.num_chunks; ++c)
    for (size_t g = 0; g < layout.turns.size(); ++g) {
      const int s = layout.column[c][g];
      if (s < 0) continue;
      for (int j = 0; j < 589; ++j) {
        const double t = c + (j + 0.5) * 10.0 / 589;
        for (const auto& [a, b] : layout.turns[g])
          if (t >= a && t < b) seg[(static_cast<size_t>(c) * 589 + j) * 3 + s] = 1.0f;
      }
    }
  return seg;
}

ChunkActivity activity_of(const std::vector<float>& seg, int num_chunks, double duration_s) {
  ChunkSegmentation view;
  view.values = seg.data();
  view.num_chunks = num_chunks;
  const int frames = static_cast<int>((duration_s * 16000 - 400) / 160) + 1;
  return project_segmentation(view, frames, 0.01, 0.025);
}

int track(const Tracks& t, int c, int s) { return t.track_of[static_cast<size_t>(c) * 3 + s]; }

}  // namespace

TEST_CASE("a speaker that changes local column between chunks stays one track", "[builtin]") {
  // Speakers 0 and 1 alternate every 2 s over 14 s (5 chunks); their columns swap in odd chunks.
  Layout layout{5, {{}, {}}, {}};
  for (double t = 0; t < 14; t += 4) {
    layout.turns[0].push_back({t, t + 2});
    layout.turns[1].push_back({t + 2, t + 4});
  }
  for (int c = 0; c < 5; ++c) layout.column.push_back(c % 2 ? std::vector<int>{1, 0} : std::vector<int>{0, 1});
  const std::vector<float> seg = build(layout);
  const Tracks tracks = stitch_local_speakers(activity_of(seg, 5, 14.0), StitchConfig{});
  REQUIRE(tracks.num_tracks == 2);
  for (int c = 0; c < 5; ++c) {
    CHECK(track(tracks, c, layout.column[c][0]) == track(tracks, 0, 0));
    CHECK(track(tracks, c, layout.column[c][1]) == track(tracks, 0, 1));
    CHECK(track(tracks, c, 2) == -1);  // the unused column is inactive
  }
  CHECK(tracks.chunks[0] == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("local speakers of one chunk never share a track, even when they always overlap", "[builtin]") {
  // Two speakers talking at exactly the same times: identical activity in both columns, so each
  // column agrees perfectly with both columns of the next chunk.
  Layout layout{3, {{{1.0, 11.0}}, {{1.0, 11.0}}}, {{0, 1}, {0, 1}, {0, 1}}};
  const std::vector<float> seg = build(layout);
  const Tracks tracks = stitch_local_speakers(activity_of(seg, 3, 12.0), StitchConfig{});
  for (int c = 0; c < 3; ++c) CHECK(track(tracks, c, 0) != track(tracks, c, 1));
  for (const auto& chunks : tracks.chunks)
    for (size_t i = 1; i < chunks.size(); ++i) CHECK(chunks[i - 1] < chunks[i]);
}

TEST_CASE("speech that never shares frames across chunks is not linked", "[builtin]") {
  // Chunk 0 sees speaker 0 in [0, 1) s only; chunk 1 (from 1 s) cannot see it. Speaker 1 speaks
  // in [10.5, 11) s, which only chunk 1 covers.
  Layout layout{2, {{{0.0, 1.0}}, {{10.5, 11.0}}}, {{0, -1}, {-1, 0}}};
  const std::vector<float> seg = build(layout);
  const Tracks tracks = stitch_local_speakers(activity_of(seg, 2, 11.0), StitchConfig{});
  CHECK(tracks.num_tracks == 2);
  CHECK(track(tracks, 0, 0) != track(tracks, 1, 0));
}

TEST_CASE("projection puts each 10 ms frame on the segmentation frame under its centre", "[builtin]") {
  std::vector<float> seg(589 * 3, 0.0f);
  seg[100 * 3 + 1] = 1.0f;  // chunk 0, frame 100 = [1.6978, 1.7148) s, local speaker 1
  ChunkSegmentation view;
  view.values = seg.data();
  view.num_chunks = 1;
  const ChunkActivity a = project_segmentation(view, 998, 0.01, 0.025);
  CHECK(a.first_frame[0] == 0);
  CHECK(a.end_frame[0] == 998);  // centres 0.0125 .. 9.9825 s
  std::vector<int> on;
  for (int t = 0; t < 998; ++t)
    if (a.active(0, t, 1)) on.push_back(t);
  // Centres t*0.01 + 0.0125 inside [1.69779, 1.71477): 1.7025 s and 1.7125 s.
  CHECK(on == std::vector<int>{169, 170});
}

TEST_CASE("cannot-link chunks are those where the track's speaker talks alone long enough", "[builtin]") {
  // Speaker 0 talks through [0, 12) s; speaker 1 talks alone in [4.5, 5) s (0.5 s) and overlaps
  // speaker 0 in [8, 12) s. Chunks 0..2 see both, each in its own column.
  Layout layout{3, {{{0.0, 12.0}}, {{4.5, 5.0}, {8.0, 12.0}}}, {{0, 1}, {0, 1}, {0, 1}}};
  // Speaker 0 is silent while speaker 1 talks alone.
  layout.turns[0] = {{0.0, 4.5}, {5.0, 12.0}};
  const std::vector<float> seg = build(layout);
  const ChunkActivity activity = activity_of(seg, 3, 12.0);
  const Tracks tracks = stitch_local_speakers(activity, StitchConfig{});
  REQUIRE(tracks.num_tracks == 2);
  const int t0 = track(tracks, 0, 0), t1 = track(tracks, 0, 1);
  CHECK(cannot_link_chunks(activity, tracks, 0) == tracks.chunks);
  // 0.5 s alone is 50 frames: enough for a 0.4 s minimum, not for 2 s.
  const auto loose = cannot_link_chunks(activity, tracks, 40);
  CHECK(loose[t0] == std::vector<int>{0, 1, 2});
  CHECK(loose[t1] == std::vector<int>{0, 1, 2});
  const auto strict = cannot_link_chunks(activity, tracks, 200);
  CHECK(strict[t0] == std::vector<int>{0, 1, 2});
  CHECK(strict[t1].empty());
}
