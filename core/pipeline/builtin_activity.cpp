// Nearest-frame projection of the segmentation grid (10/589 s) onto the feature grid (10 ms).
#include "pipeline/builtin_activity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace diarize {

void ChunkSegmentation::validate() const {
  if (num_chunks < 0 || num_frames <= 0 || num_local <= 0 || num_local > 8)
    throw std::invalid_argument("segmentation shape must be [chunks >= 0, frames > 0, 1..8 speakers]");
  if (num_chunks > 0 && values == nullptr) throw std::invalid_argument("segmentation has no values");
  if (!(chunk_step_s > 0.0) || !(chunk_duration_s > 0.0))
    throw std::invalid_argument("chunk step and duration must be positive");
}

ChunkActivity project_segmentation(const ChunkSegmentation& segmentation, int num_feature_frames,
                                   double frame_shift_s, double frame_length_s) {
  segmentation.validate();
  if (num_feature_frames < 0 || !(frame_shift_s > 0.0) || frame_length_s < 0.0)
    throw std::invalid_argument("bad feature grid");
  ChunkActivity out;
  out.num_chunks = segmentation.num_chunks;
  out.num_local = segmentation.num_local;
  out.num_feature_frames = num_feature_frames;
  out.first_frame.resize(out.num_chunks);
  out.end_frame.resize(out.num_chunks);
  out.masks.resize(out.num_chunks);
  const double seg_step_s = segmentation.chunk_duration_s / segmentation.num_frames;
  const double half = 0.5 * frame_length_s;
  for (int c = 0; c < out.num_chunks; ++c) {
    const double start_s = c * segmentation.chunk_step_s;
    const double end_s = start_s + segmentation.chunk_duration_s;
    // First t with centre >= start, first t with centre >= end.
    int first = static_cast<int>(std::ceil((start_s - half) / frame_shift_s - 1e-9));
    int end = static_cast<int>(std::ceil((end_s - half) / frame_shift_s - 1e-9));
    first = std::clamp(first, 0, num_feature_frames);
    end = std::clamp(end, first, num_feature_frames);
    out.first_frame[c] = first;
    out.end_frame[c] = end;
    auto& masks = out.masks[c];
    masks.assign(static_cast<size_t>(end - first), 0);
    for (int t = first; t < end; ++t) {
      const double centre_s = t * frame_shift_s + half;
      int j = static_cast<int>(std::floor((centre_s - start_s) / seg_step_s));
      j = std::clamp(j, 0, segmentation.num_frames - 1);
      uint8_t mask = 0;
      for (int s = 0; s < segmentation.num_local; ++s)
        if (segmentation.active(c, j, s)) mask |= static_cast<uint8_t>(1u << s);
      masks[t - first] = mask;
    }
  }
  return out;
}

std::vector<int> member_clean_frames(const ChunkActivity& activity) {
  std::vector<int> clean(static_cast<size_t>(activity.num_chunks) * activity.num_local, 0);
  for (int c = 0; c < activity.num_chunks; ++c)
    for (int t = activity.first_frame[c]; t < activity.end_frame[c]; ++t) {
      const uint8_t mask = activity.mask(c, t);
      if (count_active(mask) == 1) ++clean[static_cast<size_t>(c) * activity.num_local + __builtin_ctz(mask)];
    }
  return clean;
}

}  // namespace diarize
