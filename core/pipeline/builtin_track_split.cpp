// Delta-BIC binary segmentation of tracks at chunk centres.
#include "pipeline/builtin_track_split.h"

#include <algorithm>

#include "pipeline/builtin_statistics.h"

namespace diarize {
namespace {

// Best cut of one piece: the clean frames (time order) of the piece and its chunks (sorted).
// Returns the index into `chunks` of the first chunk of the right side, or -1 for no cut.
int best_cut(const FeatureMatrix& features, const ChunkActivity& activity, const std::vector<int>& frames,
             const std::vector<int>& chunks, const TrackSplitConfig& config) {
  if (static_cast<int>(frames.size()) < 2 * config.min_side_frames || chunks.size() < 2) return -1;
  GaussianStats total(features.dim);
  for (int t : frames) total.add(features.row(t));
  GaussianStats left(features.dim);
  size_t next_frame = 0;
  double best = 0.0;
  int best_index = -1;
  for (size_t i = 1; i < chunks.size(); ++i) {
    const int c = chunks[i];
    const int centre = (activity.first_frame[c] + activity.end_frame[c]) / 2;
    while (next_frame < frames.size() && frames[next_frame] < centre) left.add(features.row(frames[next_frame++]));
    const double n_left = static_cast<double>(next_frame);
    const double n_right = static_cast<double>(frames.size()) - n_left;
    if (n_left < config.min_side_frames || n_right < config.min_side_frames) continue;
    GaussianStats right = total;
    right.count -= left.count;
    for (size_t k = 0; k < right.sum.size(); ++k) right.sum[k] -= left.sum[k];
    for (size_t k = 0; k < right.scatter.size(); ++k) right.scatter[k] -= left.scatter[k];
    const double score = delta_bic(left, right, config.bic);
    if (score > best) { best = score; best_index = static_cast<int>(i); }
  }
  return best_index;
}

}  // namespace

Tracks split_tracks_at_voice_changes(const FeatureMatrix& features, const ChunkActivity& activity,
                                     const Tracks& tracks, const std::vector<int>& frame_track,
                                     const TrackSplitConfig& config) {
  if (!config.enabled) return tracks;
  std::vector<std::vector<int>> frames_of(tracks.num_tracks);
  for (size_t t = 0; t < frame_track.size(); ++t)
    if (frame_track[t] >= 0) frames_of[frame_track[t]].push_back(static_cast<int>(t));

  // Pieces as (chunks, frames); a stack drives the recursion.
  struct Piece { int track; std::vector<int> chunks; std::vector<int> frames; };
  std::vector<Piece> stack, done;
  for (int k = 0; k < tracks.num_tracks; ++k) stack.push_back({k, tracks.chunks[k], frames_of[k]});
  while (!stack.empty()) {
    Piece p = std::move(stack.back());
    stack.pop_back();
    const int cut = best_cut(features, activity, p.frames, p.chunks, config);
    if (cut < 0) { done.push_back(std::move(p)); continue; }
    const int c = p.chunks[cut];
    const int centre = (activity.first_frame[c] + activity.end_frame[c]) / 2;
    const auto split_frame = std::lower_bound(p.frames.begin(), p.frames.end(), centre);
    Piece right{p.track, std::vector<int>(p.chunks.begin() + cut, p.chunks.end()),
                std::vector<int>(split_frame, p.frames.end())};
    p.chunks.resize(cut);
    p.frames.erase(split_frame, p.frames.end());
    stack.push_back(std::move(right));
    stack.push_back(std::move(p));
  }
  // Renumber pieces in order of their first chunk (tracks are numbered in time order).
  std::stable_sort(done.begin(), done.end(), [](const Piece& a, const Piece& b) {
    return a.chunks.front() < b.chunks.front() || (a.chunks.front() == b.chunks.front() && a.track < b.track);
  });
  Tracks out;
  out.num_tracks = static_cast<int>(done.size());
  out.track_of.assign(tracks.track_of.size(), -1);
  const int num_local = activity.num_local;
  for (int k = 0; k < out.num_tracks; ++k) {
    for (int c : done[k].chunks)
      for (int s = 0; s < num_local; ++s)
        if (tracks.track_of[static_cast<size_t>(c) * num_local + s] == done[k].track)
          out.track_of[static_cast<size_t>(c) * num_local + s] = k;
    out.chunks.push_back(std::move(done[k].chunks));
  }
  return out;
}

}  // namespace diarize
