// Track building by agreement on shared frames, with union-find and cannot-links.
#include "pipeline/builtin_stitching.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace diarize {
namespace {

struct Link {
  double agreement;
  int a;  // index chunk*num_local + local
  int b;
};

int find_root(std::vector<int>& parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

std::vector<int> merge_sorted(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> out;
  out.reserve(a.size() + b.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::vector<std::vector<int>> cannot_link_chunks(const ChunkActivity& activity, const Tracks& tracks,
                                                 int min_clean_frames) {
  if (min_clean_frames <= 0) return tracks.chunks;
  const std::vector<int> clean = member_clean_frames(activity);
  std::vector<std::vector<int>> out(tracks.num_tracks);
  for (size_t i = 0; i < clean.size(); ++i) {
    const int k = tracks.track_of[i];
    if (k >= 0 && clean[i] >= min_clean_frames) out[k].push_back(static_cast<int>(i) / activity.num_local);
  }
  return out;
}

bool share_a_chunk(const std::vector<int>& a, const std::vector<int>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) ++i; else ++j;
  }
  return false;
}

Tracks stitch_local_speakers(const ChunkActivity& activity, const StitchConfig& config) {
  if (config.max_chunk_distance < 0 || config.min_shared_frames < 1)
    throw std::invalid_argument("bad stitching configuration");
  const int num_local = activity.num_local;
  const int num_nodes = activity.num_chunks * num_local;

  std::vector<bool> is_active(num_nodes, false);
  for (int c = 0; c < activity.num_chunks; ++c)
    for (uint8_t mask : activity.masks[c])
      for (int s = 0; s < num_local; ++s)
        if ((mask >> s) & 1u) is_active[c * num_local + s] = true;

  std::vector<Link> links;
  for (int c = 0; c < activity.num_chunks; ++c) {
    for (int k = 1; k <= config.max_chunk_distance && c + k < activity.num_chunks; ++k) {
      const int d = c + k;
      const int first = std::max(activity.first_frame[c], activity.first_frame[d]);
      const int end = std::min(activity.end_frame[c], activity.end_frame[d]);
      if (end <= first) continue;
      std::vector<int> shared(num_local * num_local, 0), own_c(num_local, 0), own_d(num_local, 0);
      for (int t = first; t < end; ++t) {
        const uint8_t mc = activity.mask(c, t), md = activity.mask(d, t);
        for (int s = 0; s < num_local; ++s) {
          if ((mc >> s) & 1u) ++own_c[s];
          if ((md >> s) & 1u) ++own_d[s];
          if (!((mc >> s) & 1u)) continue;
          for (int r = 0; r < num_local; ++r)
            if ((md >> r) & 1u) ++shared[s * num_local + r];
        }
      }
      // Greedy one-to-one matching inside the chunk pair: best agreement first.
      std::vector<bool> used_c(num_local, false), used_d(num_local, false);
      for (int round = 0; round < num_local; ++round) {
        double best = -1.0;
        int best_s = -1, best_r = -1;
        for (int s = 0; s < num_local; ++s) {
          if (used_c[s]) continue;
          for (int r = 0; r < num_local; ++r) {
            if (used_d[r]) continue;
            const int both = shared[s * num_local + r];
            if (both < config.min_shared_frames) continue;
            const double agreement = static_cast<double>(both) / (own_c[s] + own_d[r] - both);
            if (agreement > best) { best = agreement; best_s = s; best_r = r; }
          }
        }
        if (best_s < 0) break;
        used_c[best_s] = used_d[best_r] = true;
        if (best >= config.min_agreement)
          links.push_back({best, c * num_local + best_s, d * num_local + best_r});
      }
    }
  }
  // Stable order keeps the result deterministic when agreements tie.
  std::stable_sort(links.begin(), links.end(),
                   [](const Link& x, const Link& y) { return x.agreement > y.agreement; });

  std::vector<int> parent(num_nodes);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<std::vector<int>> chunks(num_nodes);
  for (int n = 0; n < num_nodes; ++n)
    if (is_active[n]) chunks[n] = {n / num_local};
  for (const Link& link : links) {
    const int ra = find_root(parent, link.a), rb = find_root(parent, link.b);
    if (ra == rb || share_a_chunk(chunks[ra], chunks[rb])) continue;
    const int root = chunks[ra].size() >= chunks[rb].size() ? ra : rb;
    const int other = root == ra ? rb : ra;
    chunks[root] = merge_sorted(chunks[root], chunks[other]);
    chunks[other].clear();
    parent[other] = root;
  }

  Tracks tracks;
  tracks.track_of.assign(num_nodes, -1);
  std::vector<int> track_of_root(num_nodes, -1);
  for (int n = 0; n < num_nodes; ++n) {
    if (!is_active[n]) continue;
    const int root = find_root(parent, n);
    if (track_of_root[root] < 0) {
      track_of_root[root] = tracks.num_tracks++;
      tracks.chunks.push_back(chunks[root]);
    }
    tracks.track_of[n] = track_of_root[root];
  }
  return tracks;
}

}  // namespace diarize
