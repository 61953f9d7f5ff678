// Accuracy harness of the built-in embedding: runs its clustering on files with reference RTTMs
// and prints DER per file and over the corpus. The segmentation is either an oracle one built
// from the reference (up to 3 reference speakers per chunk as local speakers, at most 2 per
// frame, like the powerset model) or a cached real segmentation (--seg-cache DIR holding
// <uri>.safetensors with a `segmentation` [C,589,3] tensor). Reconstruction follows 3.1 (count
// = rounded mean local count, top-count clusters per frame); DER is frame-based on a 10 ms grid.
//
// Usage: builtin_eval [options] MANIFEST   (MANIFEST lines: "<uri> <wav> <rttm>")
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "formats/safetensors.h"
#include "output/rttm.h"
#include "pipeline/builtin_embedding.h"

using namespace diarize;

namespace {

constexpr int kFrames = 589;
constexpr int kLocal = 3;
constexpr double kChunkS = 10.0;
constexpr double kStepS = 1.0;
constexpr double kFrameS = kChunkS / kFrames;
constexpr double kGridS = 0.01;

int num_chunks_for(size_t num_samples) {
  const size_t window = 160000, step = 16000;
  int full = num_samples < window ? 0 : static_cast<int>((num_samples - window) / step + 1);
  const bool padded = num_samples < window || (num_samples - window) % step > 0;
  return full + (padded ? 1 : 0);
}

struct Reference {
  std::vector<std::string> speakers;
  std::vector<std::vector<std::pair<double, double>>> turns;  // per speaker
  bool active(int k, double t) const {
    for (const auto& [a, b] : turns[k])
      if (t >= a && t < b) return true;
    return false;
  }
};

Reference load_reference(const std::string& rttm, const std::string& uri) {
  Reference ref;
  std::map<std::string, int> index;
  for (const RttmTurn& turn : read_rttm_file(rttm)) {
    if (turn.uri != uri) continue;
    auto it = index.find(turn.speaker);
    if (it == index.end()) {
      it = index.emplace(turn.speaker, static_cast<int>(ref.speakers.size())).first;
      ref.speakers.push_back(turn.speaker);
      ref.turns.emplace_back();
    }
    ref.turns[it->second].push_back({turn.start_s, turn.end_s()});
  }
  return ref;
}

std::vector<float> oracle_segmentation(const Reference& ref, int num_chunks) {
  std::vector<float> seg(static_cast<size_t>(num_chunks) * kFrames * kLocal, 0.0f);
  const int n = static_cast<int>(ref.speakers.size());
  for (int c = 0; c < num_chunks; ++c) {
    std::vector<std::pair<int, int>> frames_of;  // (active frames, speaker)
    std::vector<std::vector<bool>> act(n, std::vector<bool>(kFrames));
    for (int k = 0; k < n; ++k) {
      int count = 0;
      for (int j = 0; j < kFrames; ++j) {
        act[k][j] = ref.active(k, c * kStepS + (j + 0.5) * kFrameS);
        count += act[k][j];
      }
      if (count > 0) frames_of.push_back({-count, k});
    }
    std::sort(frames_of.begin(), frames_of.end());
    if (frames_of.size() > kLocal) frames_of.resize(kLocal);
    for (int j = 0; j < kFrames; ++j) {
      int on = 0;
      for (size_t s = 0; s < frames_of.size(); ++s) {
        if (!act[frames_of[s].second][j] || on == 2) continue;
        seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s] = 1.0f;
        ++on;
      }
    }
  }
  return seg;
}

// 3.1 reconstruction onto the 10/589 s grid, returned as per-cluster activity on the 10 ms grid.
std::vector<std::vector<bool>> reconstruct(const std::vector<float>& seg, int num_chunks,
                                           const std::vector<int>& hard, int num_clusters,
                                           int num_grid) {
  std::vector<int> start(num_chunks);
  for (int c = 0; c < num_chunks; ++c) start[c] = static_cast<int>(std::nearbyint(c * kStepS / kFrameS - 0.5));
  const int total = num_chunks ? start.back() + kFrames : 0;
  std::vector<double> count_sum(total, 0.0), count_n(total, 0.0);
  std::vector<double> act(static_cast<size_t>(total) * std::max(1, num_clusters), 0.0);
  for (int c = 0; c < num_chunks; ++c) {
    for (int j = 0; j < kFrames; ++j) {
      const int f = start[c] + j;
      double local = 0.0;
      std::vector<double> best(num_clusters, 0.0);
      for (int s = 0; s < kLocal; ++s) {
        const float v = seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s];
        local += v;
        const int k = hard[static_cast<size_t>(c) * kLocal + s];
        if (k >= 0) best[k] = std::max(best[k], static_cast<double>(v));
      }
      count_sum[f] += local;
      count_n[f] += 1.0;
      for (int k = 0; k < num_clusters; ++k) act[static_cast<size_t>(f) * num_clusters + k] += best[k];
    }
  }
  std::vector<std::vector<bool>> on_frames(num_clusters, std::vector<bool>(total, false));
  for (int f = 0; f < total; ++f) {
    const int count = static_cast<int>(std::nearbyint(count_sum[f] / std::max(count_n[f], 1e-12)));
    std::vector<int> order(num_clusters);
    for (int k = 0; k < num_clusters; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return act[static_cast<size_t>(f) * num_clusters + a] > act[static_cast<size_t>(f) * num_clusters + b];
    });
    for (int r = 0; r < std::min(count, num_clusters); ++r)
      if (act[static_cast<size_t>(f) * num_clusters + order[r]] > 0.0) on_frames[order[r]][f] = true;
  }
  // Binarize boundaries sit at frame middles: frame f is "on" over [mid(f-1)... ] ~ [f*D+D/2, (f+1)*D+D/2).
  std::vector<std::vector<bool>> grid(num_clusters, std::vector<bool>(num_grid, false));
  for (int g = 0; g < num_grid; ++g) {
    const double t = (g + 0.5) * kGridS;
    const int f = static_cast<int>(std::floor((t - 0.5 * kFrameS) / kFrameS));
    if (f < 0 || f >= total) continue;
    for (int k = 0; k < num_clusters; ++k) grid[k][g] = on_frames[k][f];
  }
  return grid;
}

// Minimum-cost assignment (rows <= cols), Hungarian algorithm with potentials.
std::vector<int> hungarian(const std::vector<std::vector<double>>& cost) {
  const int n = static_cast<int>(cost.size());
  const int m = n ? static_cast<int>(cost[0].size()) : 0;
  std::vector<double> u(n + 1), v(m + 1);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, 1e300);
    std::vector<bool> used(m + 1, false);
    do {
      used[j0] = true;
      const int i0 = p[j0];
      double delta = 1e300;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do { const int j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0);
  }
  std::vector<int> row_to_col(n, -1);
  for (int j = 1; j <= m; ++j)
    if (p[j]) row_to_col[p[j] - 1] = j - 1;
  return row_to_col;
}

struct Score {
  double total = 0, miss = 0, fa = 0, conf = 0;
  double der() const { return total > 0 ? (miss + fa + conf) / total : 0.0; }
  void add(const Score& o) { total += o.total; miss += o.miss; fa += o.fa; conf += o.conf; }
};

// collar_s: md-eval style (+-collar around reference boundaries excluded); skip_overlap drops
// frames with 2+ reference speakers.
Score score(const Reference& ref, const std::vector<std::vector<bool>>& hyp, int num_grid,
            double collar_s, bool skip_overlap) {
  const int nr = static_cast<int>(ref.speakers.size());
  const int nh = static_cast<int>(hyp.size());
  std::vector<std::vector<bool>> r(nr, std::vector<bool>(num_grid));
  for (int k = 0; k < nr; ++k)
    for (int g = 0; g < num_grid; ++g) r[k][g] = ref.active(k, (g + 0.5) * kGridS);
  std::vector<bool> keep(num_grid, true);
  for (int g = 0; g < num_grid; ++g) {
    const double t = (g + 0.5) * kGridS;
    int on = 0;
    for (int k = 0; k < nr; ++k) on += r[k][g];
    if (skip_overlap && on >= 2) keep[g] = false;
    if (collar_s > 0)
      for (int k = 0; k < nr && keep[g]; ++k)
        for (const auto& [a, b] : ref.turns[k])
          if (std::fabs(t - a) < collar_s || std::fabs(t - b) < collar_s) { keep[g] = false; break; }
  }
  const int size = std::max(nr, nh);
  std::vector<std::vector<double>> cost(size, std::vector<double>(size, 0.0));
  for (int g = 0; g < num_grid; ++g) {
    if (!keep[g]) continue;
    for (int k = 0; k < nr; ++k)
      if (r[k][g])
        for (int h = 0; h < nh; ++h)
          if (hyp[h][g]) cost[k][h] -= 1.0;
  }
  const std::vector<int> map = hungarian(cost);
  Score s;
  for (int g = 0; g < num_grid; ++g) {
    if (!keep[g]) continue;
    int nref = 0, nhyp = 0, correct = 0;
    for (int k = 0; k < nr; ++k) nref += r[k][g];
    for (int h = 0; h < nh; ++h) nhyp += hyp[h][g];
    for (int k = 0; k < nr; ++k)
      if (r[k][g] && map[k] >= 0 && map[k] < nh && hyp[map[k]][g]) ++correct;
    s.total += nref;
    s.miss += std::max(0, nref - nhyp);
    s.fa += std::max(0, nhyp - nref);
    s.conf += std::min(nref, nhyp) - correct;
  }
  const double scale = kGridS;
  s.total *= scale; s.miss *= scale; s.fa *= scale; s.conf *= scale;
  return s;
}

// Oracle: each (chunk, local) labelled with the reference speaker it overlaps most.
std::vector<int> oracle_clusters(const std::vector<float>& seg, int num_chunks, const Reference& ref, int* num_clusters) {
  std::vector<int> hard(static_cast<size_t>(num_chunks) * kLocal, -2);
  const int nr = static_cast<int>(ref.speakers.size());
  for (int c = 0; c < num_chunks; ++c)
    for (int s = 0; s < kLocal; ++s) {
      std::vector<int> votes(nr, 0);
      bool any = false;
      for (int j = 0; j < kFrames; ++j) {
        if (seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s] < 0.5f) continue;
        any = true;
        for (int k = 0; k < nr; ++k) votes[k] += ref.active(k, c * kStepS + (j + 0.5) * kFrameS);
      }
      if (any) hard[static_cast<size_t>(c) * kLocal + s] =
          nr ? static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin()) : 0;
    }
  *num_clusters = std::max(1, nr);
  return hard;
}

}  // namespace

int main(int argc, char** argv) {
  BuiltinEmbeddingConfig config;
  std::string manifest, seg_cache;
  bool oracle_labels = false, oracle_tracks = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return std::string(argv[++i]); };
    if (a == "--penalty") config.clustering.penalty_weight = std::stod(next());
    else if (a == "--min-track-frames") config.clustering.min_track_frames = std::stoi(next());
    else if (a == "--agreement") config.stitch.min_agreement = std::stod(next());
    else if (a == "--shared-frames") config.stitch.min_shared_frames = std::stoi(next());
    else if (a == "--chunk-distance") config.stitch.max_chunk_distance = std::stoi(next());
    else if (a == "--cepstra") config.mfcc.num_cepstra = std::stoi(next());
    else if (a == "--mel") config.mfcc.num_mel_bands = std::stoi(next());
    else if (a == "--no-cannot-link") config.clustering.use_cannot_links = false;
    else if (a == "--seg-cache") seg_cache = next();
    else if (a == "--oracle-labels") oracle_labels = true;
    else if (a == "--oracle-tracks") oracle_tracks = true;
    else manifest = a;
  }
  std::ifstream in(manifest);
  if (!in) { std::cerr << "builtin_eval: cannot read manifest " << manifest << "\n"; return 2; }
  Score corpus, corpus_one, corpus_forgiving;
  std::string line;
  std::printf("%-20s %5s %5s %6s | %7s %6s %6s %6s | %7s | %7s\n", "file", "ref", "hyp", "tracks",
              "DER%", "miss", "fa", "conf", "1lab%", "c25so%");
  double seconds = 0.0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string uri, wav, rttm;
    if (!(fields >> uri >> wav >> rttm) || uri[0] == '#') continue;
    const DecodedAudio audio = decode_audio(wav);
    const Reference ref = load_reference(rttm, uri);
    int num_chunks = num_chunks_for(audio.samples.size());
    std::vector<float> seg;
    if (seg_cache.empty()) {
      seg = oracle_segmentation(ref, num_chunks);
    } else {
      const auto tensors = read_safetensors(seg_cache + "/" + uri + ".safetensors");
      const TensorData& t = tensors.at("segmentation");
      num_chunks = static_cast<int>(t.shape.at(0));
      seg = t.to_f32();
    }
    ChunkSegmentation view;
    view.values = seg.data();
    view.num_chunks = num_chunks;
    const auto t0 = std::chrono::steady_clock::now();
    BuiltinClusters result;
    int num_clusters = 0;
    std::vector<int> hard;
    if (oracle_labels) {
      hard = oracle_clusters(seg, num_chunks, ref, &num_clusters);
    } else {
      result = cluster_with_builtin_embedding(audio.samples.data(), audio.samples.size(), view, SpeakerBounds{}, config);
      hard = result.hard_clusters;
      num_clusters = result.num_clusters;
      if (oracle_tracks) {
        // Stitching ceiling: each track labelled with the reference speaker most of its members have.
        int nr = 0;
        const std::vector<int> member = oracle_clusters(seg, num_chunks, ref, &nr);
        std::vector<std::vector<int>> votes(result.num_tracks, std::vector<int>(nr, 0));
        for (size_t i = 0; i < member.size(); ++i)
          if (result.track_of[i] >= 0) ++votes[result.track_of[i]][member[i]];
        for (size_t i = 0; i < member.size(); ++i)
          if (result.track_of[i] >= 0) {
            const auto& v = votes[result.track_of[i]];
            hard[i] = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
          }
        num_clusters = nr;
      }
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int num_grid = static_cast<int>(std::floor(audio.duration_s() / kGridS));
    const auto hyp = reconstruct(seg, num_chunks, hard, num_clusters, num_grid);
    const Score s = score(ref, hyp, num_grid, 0.0, false);
    std::vector<int> one(hard);
    for (int& k : one) if (k >= 0) k = 0;
    const Score s1 = score(ref, reconstruct(seg, num_chunks, one, 1, num_grid), num_grid, 0.0, false);
    const Score sf = score(ref, hyp, num_grid, 0.25, true);
    corpus.add(s);
    corpus_one.add(s1);
    corpus_forgiving.add(sf);
    std::printf("%-20s %5zu %5d %6d | %7.2f %6.2f %6.2f %6.2f | %7.2f | %7.2f%s\n", uri.c_str(), ref.speakers.size(),
                num_clusters, result.num_tracks, 100 * s.der(), 100 * s.miss / s.total, 100 * s.fa / s.total,
                100 * s.conf / s.total, 100 * s1.der(), 100 * sf.der(), s.der() > s1.der() ? "  WORSE-THAN-ONE-LABEL" : "");
  }
  std::printf("%-20s %5s %5s %6s | %7.2f %6.2f %6.2f %6.2f | %7.2f | %7.2f\n", "CORPUS", "", "", "", 100 * corpus.der(),
              100 * corpus.miss / corpus.total, 100 * corpus.fa / corpus.total, 100 * corpus.conf / corpus.total,
              100 * corpus_one.der(), 100 * corpus_forgiving.der());
  std::printf("clustering time %.3f s\n", seconds);
  return 0;
}
