// Frame attribution by majority vote over overlapping chunks, and Gaussian statistics.
#include "pipeline/builtin_statistics.h"

#include <algorithm>

#include <stdexcept>

namespace diarize {

void GaussianStats::add(const float* x, double weight) {
  const int d = dim();
  count += weight;
  for (int i = 0; i < d; ++i) {
    const double wx = weight * x[i];
    sum[i] += wx;
    double* row = scatter.data() + static_cast<size_t>(i) * d;
    for (int j = 0; j <= i; ++j) row[j] += wx * x[j];
  }
  // Only the lower triangle is accumulated above; mirror lazily in covariance().
}

void GaussianStats::merge(const GaussianStats& other) {
  if (other.dim() != dim()) throw std::invalid_argument("merging statistics of different dimensions");
  count += other.count;
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += other.sum[i];
  for (size_t i = 0; i < scatter.size(); ++i) scatter[i] += other.scatter[i];
}

std::vector<double> GaussianStats::mean() const {
  std::vector<double> m(sum.size(), 0.0);
  if (count > 0.0)
    for (size_t i = 0; i < sum.size(); ++i) m[i] = sum[i] / count;
  return m;
}

std::vector<double> GaussianStats::covariance(double floor) const {
  const int d = dim();
  const std::vector<double> m = mean();
  std::vector<double> cov(static_cast<size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j <= i; ++j) {
      double v = count > 0.0 ? scatter[static_cast<size_t>(i) * d + j] / count - m[i] * m[j] : 0.0;
      if (i == j) v += floor;
      cov[static_cast<size_t>(i) * d + j] = v;
      cov[static_cast<size_t>(j) * d + i] = v;
    }
  }
  return cov;
}

std::vector<int> assign_clean_frames(const ChunkActivity& activity, const Tracks& tracks) {
  const int num_local = activity.num_local;
  std::vector<int> frame_track(activity.num_feature_frames, -1);
  int lo = 0;  // first chunk that may still cover t (chunks are in time order)
  constexpr int kMaxVoters = 64;
  int voted_track[kMaxVoters];
  int votes[kMaxVoters];
  for (int t = 0; t < activity.num_feature_frames; ++t) {
    while (lo < activity.num_chunks && activity.end_frame[lo] <= t) ++lo;
    int cast = 0, num_candidates = 0;
    for (int c = lo; c < activity.num_chunks && activity.first_frame[c] <= t; ++c) {
      if (t >= activity.end_frame[c]) continue;
      const uint8_t mask = activity.mask(c, t);
      if (count_active(mask) != 1) continue;
      ++cast;
      const int s = __builtin_ctz(mask);
      const int track = tracks.track_of[static_cast<size_t>(c) * num_local + s];
      int k = 0;
      while (k < num_candidates && voted_track[k] != track) ++k;
      if (k == num_candidates) {
        if (num_candidates == kMaxVoters) continue;
        voted_track[k] = track;
        votes[k] = 0;
        ++num_candidates;
      }
      ++votes[k];
    }
    for (int k = 0; k < num_candidates; ++k)
      if (2 * votes[k] > cast) frame_track[t] = voted_track[k];
  }
  return frame_track;
}

std::vector<GaussianStats> track_statistics(const FeatureMatrix& features,
                                            const std::vector<int>& frame_track, int num_tracks) {
  std::vector<GaussianStats> stats(num_tracks, GaussianStats(features.dim));
  const int n = std::min<int>(features.num_frames, static_cast<int>(frame_track.size()));
  for (int t = 0; t < n; ++t)
    if (frame_track[t] >= 0) stats[frame_track[t]].add(features.row(t));
  return stats;
}

std::vector<GaussianStats> track_active_statistics(const FeatureMatrix& features,
                                                   const ChunkActivity& activity, const Tracks& tracks) {
  std::vector<GaussianStats> stats(tracks.num_tracks, GaussianStats(features.dim));
  // Each frame once per track, however many of the track's chunks see it active (up to 10): the
  // statistics then weigh evidence as the PLDA expects, one frame one observation.
  std::vector<int> last_added(tracks.num_tracks, -1);
  int lo = 0;
  for (int t = 0; t < activity.num_feature_frames && t < features.num_frames; ++t) {
    while (lo < activity.num_chunks && activity.end_frame[lo] <= t) ++lo;
    for (int c = lo; c < activity.num_chunks && activity.first_frame[c] <= t; ++c) {
      if (t >= activity.end_frame[c]) continue;
      const uint8_t mask = activity.mask(c, t);
      for (int s = 0; s < activity.num_local; ++s) {
        if (!((mask >> s) & 1u)) continue;
        const int track = tracks.track_of[static_cast<size_t>(c) * activity.num_local + s];
        if (track < 0 || last_added[track] == t) continue;
        last_added[track] = t;
        stats[track].add(features.row(t));
      }
    }
  }
  return stats;
}

}  // namespace diarize
