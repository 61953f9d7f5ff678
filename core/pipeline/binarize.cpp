// Binarize + to_annotation + rename_labels of pyannote 3.1.1 / pyannote.core 5.
#include "pipeline/binarize.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

namespace diarize {

namespace {

struct Region {
  double start_s = 0.0;
  double end_s = 0.0;
  int64_t cluster = 0;
};

// pyannote.core's Segment is empty (and not stored) when end - start <= SEGMENT_PRECISION.
constexpr double kSegmentPrecision_s = 1e-6;

std::vector<Region> active_regions(const FrameSeries& binary) {
  std::vector<Region> regions;
  const int64_t num_frames = binary.num_frames;
  if (num_frames == 0) return regions;
  std::vector<double> middles(static_cast<size_t>(num_frames));
  for (int64_t i = 0; i < num_frames; ++i) middles[static_cast<size_t>(i)] = binary.frames.frame_middle_s(i);
  constexpr float kOnset = 0.5f, kOffset = 0.5f;
  auto add = [&](double start, double end, int64_t k) {
    if (end - start > kSegmentPrecision_s) regions.push_back(Region{start, end, k});
  };
  for (int64_t k = 0; k < binary.num_columns; ++k) {
    double start = middles[0];
    bool active = binary.at(0, k) > kOnset;
    for (int64_t i = 1; i < num_frames; ++i) {
      const float y = binary.at(i, k);
      if (active) {
        if (y < kOffset) {
          add(start, middles[static_cast<size_t>(i)], k);
          start = middles[static_cast<size_t>(i)];
          active = false;
        }
      } else if (y > kOnset) {
        start = middles[static_cast<size_t>(i)];
        active = true;
      }
    }
    if (active) add(start, middles[static_cast<size_t>(num_frames - 1)], k);
  }
  return regions;
}

// pyannote.core's string_generator: A..Z, AA..ZZ, AAA...
std::string track_name(int64_t index) {
  int64_t length = 1, block = 26;
  while (index >= block) {
    index -= block;
    length += 1;
    block *= 26;
  }
  std::string name(static_cast<size_t>(length), 'A');
  for (int64_t i = length - 1; i >= 0; --i) {
    name[static_cast<size_t>(i)] = static_cast<char>('A' + index % 26);
    index /= 26;
  }
  return name;
}

// The order in which Annotation.itertracks yields the regions after to_annotation: segments sorted
// by (start, end); within one segment, tracks by str(track). Binarize's tracks are the integer
// cluster indices; rename_tracks("string") then names them A, B, ... in that order over the whole
// annotation, and write_rttm sorts again by those names ("AA" < "Z" matters past 26 tracks).
void order_like_pyannote(std::vector<Region>& regions) {
  std::stable_sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) {
    if (a.start_s != b.start_s) return a.start_s < b.start_s;
    if (a.end_s != b.end_s) return a.end_s < b.end_s;
    return std::to_string(a.cluster) < std::to_string(b.cluster);
  });
  std::vector<std::string> names(regions.size());
  for (size_t i = 0; i < regions.size(); ++i) names[i] = track_name(static_cast<int64_t>(i));
  std::vector<size_t> order(regions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Region& ra = regions[a];
    const Region& rb = regions[b];
    if (ra.start_s != rb.start_s) return ra.start_s < rb.start_s;
    if (ra.end_s != rb.end_s) return ra.end_s < rb.end_s;
    return names[a] < names[b];
  });
  std::vector<Region> sorted;
  sorted.reserve(regions.size());
  for (const size_t i : order) sorted.push_back(regions[i]);
  regions.swap(sorted);
}

Diarization to_diarization(const std::vector<Region>& regions, const std::vector<std::string>& labels,
                           const std::vector<int64_t>& label_clusters) {
  std::map<int64_t, int> label_of_cluster;
  for (size_t i = 0; i < label_clusters.size(); ++i) label_of_cluster[label_clusters[i]] = static_cast<int>(i);
  Diarization out;
  out.labels = labels;
  for (const Region& region : regions) {
    const auto it = label_of_cluster.find(region.cluster);
    if (it == label_of_cluster.end()) throw std::logic_error("binarize: a cluster has no label");
    out.turns.push_back(SpeakerTurn{region.start_s, region.end_s, it->second});
  }
  return out;
}

}  // namespace

BinarizedDiarization binarize(const FrameSeries& binary) {
  std::vector<Region> regions = active_regions(binary);
  order_like_pyannote(regions);
  std::vector<int64_t> clusters;
  for (const Region& region : regions) clusters.push_back(region.cluster);
  std::sort(clusters.begin(), clusters.end(),
            [](int64_t a, int64_t b) { return std::to_string(a) < std::to_string(b); });
  clusters.erase(std::unique(clusters.begin(), clusters.end()), clusters.end());

  BinarizedDiarization out;
  out.label_clusters = clusters;
  std::vector<std::string> labels;
  for (size_t i = 0; i < clusters.size(); ++i) labels.push_back(speaker_label(static_cast<int>(i)));
  out.diarization = to_diarization(regions, labels, clusters);
  return out;
}

Diarization binarize_with_labels(const FrameSeries& binary, const std::vector<std::string>& labels,
                                 const std::vector<int64_t>& label_clusters) {
  std::vector<Region> regions = active_regions(binary);
  order_like_pyannote(regions);
  return to_diarization(regions, labels, label_clusters);
}

}  // namespace diarize
