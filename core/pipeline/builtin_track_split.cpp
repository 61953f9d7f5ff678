// Delta-BIC binary segmentation of tracks at chunk centres.
#include "pipeline/builtin_track_split.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "pipeline/builtin_statistics.h"

namespace diarize {
namespace {

constexpr double kNoCut = -std::numeric_limits<double>::infinity();

// The cuts of one piece tried by best_cut: chunk indices first..last (the first chunk of the right
// side), each side holding at least min_side_frames clean frames.
struct CutRange {
  size_t first = 1;
  size_t last = 0;
  int min_side_frames = 0;
};

// Best cut of one piece: the clean frames (time order) of the piece and its chunks (sorted).
// Returns the index into `chunks` of the first chunk of the right side and its delta-BIC, or
// (-1, kNoCut) when no cut in `range` keeps enough frames on both sides.
std::pair<int, double> best_cut(const FeatureMatrix& features, const ChunkActivity& activity,
                                const std::vector<int>& frames, const std::vector<int>& chunks, const CutRange& range,
                                const DeltaBicConfig& bic) {
  if (static_cast<int>(frames.size()) < 2 * range.min_side_frames || chunks.size() < 2) return {-1, kNoCut};
  GaussianStats total(features.dim);
  for (int t : frames) total.add(features.row(t));
  GaussianStats left(features.dim);
  size_t next_frame = 0;
  double best = kNoCut;
  int best_index = -1;
  for (size_t i = 1; i < chunks.size() && i <= range.last; ++i) {
    const int c = chunks[i];
    const int centre = (activity.first_frame[c] + activity.end_frame[c]) / 2;
    while (next_frame < frames.size() && frames[next_frame] < centre) left.add(features.row(frames[next_frame++]));
    if (i < range.first) continue;
    const double n_left = static_cast<double>(next_frame);
    const double n_right = static_cast<double>(frames.size()) - n_left;
    if (n_left < range.min_side_frames || n_right < range.min_side_frames) continue;
    GaussianStats right = total;
    right.count -= left.count;
    for (size_t k = 0; k < right.sum.size(); ++k) right.sum[k] -= left.sum[k];
    for (size_t k = 0; k < right.scatter.size(); ++k) right.scatter[k] -= left.scatter[k];
    const double score = delta_bic(left, right, bic);
    if (score > best) { best = score; best_index = static_cast<int>(i); }
  }
  return {best_index, best};
}

// A track, or a piece of one, while it is being cut.
struct Piece {
  int track;
  std::vector<int> chunks;  // sorted
  std::vector<int> frames;  // its clean frames, in time order
};

// Cuts `p` before p.chunks[cut]: p keeps the left side, the right side is returned.
Piece cut_piece(Piece& p, int cut, const ChunkActivity& activity) {
  const int c = p.chunks[cut];
  const int centre = (activity.first_frame[c] + activity.end_frame[c]) / 2;
  const auto split_frame = std::lower_bound(p.frames.begin(), p.frames.end(), centre);
  Piece right{p.track, std::vector<int>(p.chunks.begin() + cut, p.chunks.end()),
              std::vector<int>(split_frame, p.frames.end())};
  p.chunks.resize(cut);
  p.frames.erase(split_frame, p.frames.end());
  return right;
}

std::vector<Piece> pieces_of(const Tracks& tracks, const std::vector<int>& frame_track) {
  std::vector<Piece> pieces;
  for (int k = 0; k < tracks.num_tracks; ++k) pieces.push_back({k, tracks.chunks[k], {}});
  for (size_t t = 0; t < frame_track.size(); ++t)
    if (frame_track[t] >= 0) pieces[frame_track[t]].frames.push_back(static_cast<int>(t));
  return pieces;
}

// Tracks from pieces, renumbered in order of their first chunk (tracks are numbered in time order).
Tracks tracks_of(std::vector<Piece> pieces, const Tracks& tracks, int num_local) {
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return a.chunks.front() < b.chunks.front() || (a.chunks.front() == b.chunks.front() && a.track < b.track);
  });
  Tracks out;
  out.num_tracks = static_cast<int>(pieces.size());
  out.track_of.assign(tracks.track_of.size(), -1);
  for (int k = 0; k < out.num_tracks; ++k) {
    for (int c : pieces[k].chunks)
      for (int s = 0; s < num_local; ++s)
        if (tracks.track_of[static_cast<size_t>(c) * num_local + s] == pieces[k].track)
          out.track_of[static_cast<size_t>(c) * num_local + s] = k;
    out.chunks.push_back(std::move(pieces[k].chunks));
  }
  return out;
}

}  // namespace

Tracks split_tracks_at_voice_changes(const FeatureMatrix& features, const ChunkActivity& activity,
                                     const Tracks& tracks, const std::vector<int>& frame_track,
                                     const TrackSplitConfig& config) {
  if (!config.enabled) return tracks;
  // A stack drives the recursion.
  std::vector<Piece> stack = pieces_of(tracks, frame_track), done;
  while (!stack.empty()) {
    Piece p = std::move(stack.back());
    stack.pop_back();
    const CutRange range{1, p.chunks.size(), config.min_side_frames};
    const auto [cut, score] = best_cut(features, activity, p.frames, p.chunks, range, config.bic);
    if (cut < 0 || !(score > 0.0)) { done.push_back(std::move(p)); continue; }
    Piece right = cut_piece(p, cut, activity);
    stack.push_back(std::move(right));
    stack.push_back(std::move(p));
  }
  return tracks_of(std::move(done), tracks, activity.num_local);
}

Tracks split_tracks_to_count(const FeatureMatrix& features, const ChunkActivity& activity, const Tracks& tracks,
                             const std::vector<int>& frame_track, const std::vector<bool>& eligible, int min_tracks,
                             const TrackSplitConfig& config) {
  const int num_local = activity.num_local;
  std::vector<Piece> pieces = pieces_of(tracks, frame_track);
  // Indices into p.chunks of the chunks where p's local speaker is eligible.
  auto eligible_chunks = [&](const Piece& p) {
    std::vector<size_t> out;
    for (size_t i = 0; i < p.chunks.size(); ++i)
      for (int s = 0; s < num_local; ++s) {
        const size_t member = static_cast<size_t>(p.chunks[i]) * num_local + s;
        if (tracks.track_of[member] == p.track && eligible[member]) { out.push_back(i); break; }
      }
    return out;
  };
  while (true) {
    int holding = 0, widest = -1;
    size_t widest_count = 0;
    for (size_t k = 0; k < pieces.size(); ++k) {
      const size_t n = eligible_chunks(pieces[k]).size();
      holding += n > 0;
      if (n > widest_count || (n == widest_count && widest >= 0 && pieces[k].frames.size() > pieces[widest].frames.size())) {
        widest_count = n;
        widest = static_cast<int>(k);
      }
    }
    if (holding >= min_tracks || widest_count < 2) break;
    Piece& p = pieces[widest];
    const std::vector<size_t> at = eligible_chunks(p);
    // No cut of this track is supported by delta-BIC (the voice-change split took those), so the
    // cut risks the least speech: its first or its last eligible member alone, whichever side
    // differs more from the rest.
    const CutRange front{at.front() + 1, at.front() + 1, 0}, back{at.back(), at.back(), 0};
    const auto [front_cut, front_score] = best_cut(features, activity, p.frames, p.chunks, front, config.bic);
    const auto [back_cut, back_score] = best_cut(features, activity, p.frames, p.chunks, back, config.bic);
    const int cut = back_cut >= 0 && back_score > front_score ? back_cut : static_cast<int>(at.front() + 1);
    Piece right = cut_piece(p, cut, activity);
    pieces.push_back(std::move(right));
  }
  return tracks_of(std::move(pieces), tracks, num_local);
}

}  // namespace diarize
