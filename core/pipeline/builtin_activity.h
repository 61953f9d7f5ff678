// The hard local segmentation of every chunk, re-sampled onto the 10 ms feature grid of the
// built-in embedding, so that chunks can be compared with each other and with the features.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace diarize {

// A read-only view of the hard segmentation [num_chunks, num_frames, num_local] (0/1 floats),
// chunk c covering [c*chunk_step_s, c*chunk_step_s + chunk_duration_s).
struct ChunkSegmentation {
  const float* values = nullptr;
  int num_chunks = 0;
  int num_frames = 589;
  int num_local = 3;
  double chunk_step_s = 1.0;
  double chunk_duration_s = 10.0;

  bool active(int chunk, int frame, int local) const {
    return values[(static_cast<size_t>(chunk) * num_frames + frame) * num_local + local] > 0.5f;
  }
  void validate() const;  // throws std::invalid_argument
};

// Per chunk, the feature frames whose centre lies inside the chunk, each with a bit mask of
// the local speakers active there (bit s = local speaker s).
struct ChunkActivity {
  int num_chunks = 0;
  int num_local = 0;
  int num_feature_frames = 0;
  std::vector<int> first_frame;   // [num_chunks] first feature frame of chunk c
  std::vector<int> end_frame;     // [num_chunks] one past the last
  std::vector<std::vector<uint8_t>> masks;  // [num_chunks][end - first]

  uint8_t mask(int chunk, int feature_frame) const {
    return masks[chunk][feature_frame - first_frame[chunk]];
  }
  bool active(int chunk, int feature_frame, int local) const {
    return (mask(chunk, feature_frame) >> local) & 1u;
  }
};

// Feature frame t is centred at t*frame_shift_s + frame_length_s/2. num_local must be <= 8.
ChunkActivity project_segmentation(const ChunkSegmentation& segmentation, int num_feature_frames,
                                   double frame_shift_s, double frame_length_s);

// Bits set in a mask: the number of local speakers active at once.
inline int count_active(uint8_t mask) { return __builtin_popcount(mask); }

// [num_chunks * num_local]: feature frames in which each local speaker is the only one active in
// its chunk (its clean speech there).
std::vector<int> member_clean_frames(const ChunkActivity& activity);

}  // namespace diarize
