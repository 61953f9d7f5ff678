// Chunk stitching: links the local speakers of overlapping chunks into tracks through the
// frames they share (chunks 1 s apart share 9 s), never putting two local speakers of one chunk
// into the same track.
#pragma once

#include <vector>

#include "pipeline/builtin_activity.h"

namespace diarize {

struct StitchConfig {
  // Chunks up to this many steps apart are compared (1: neighbours, which share 9 s).
  int max_chunk_distance = 1;
  // A link needs this many shared active feature frames (10 ms each) ...
  int min_shared_frames = 10;
  // ... and an intersection over union of the two speakers' activity inside the common region
  // of at least this.
  double min_agreement = 0.8;
};

struct Tracks {
  int num_tracks = 0;
  // [num_chunks * num_local]: track of (chunk, local speaker), -1 where that speaker is inactive.
  std::vector<int> track_of;
  // [num_tracks] sorted chunks each track has a local speaker in (the cannot-link evidence).
  std::vector<std::vector<int>> chunks;
};

// Greedy union of the best-agreeing links first; a link that would put two local speakers of
// one chunk into one track is skipped.
Tracks stitch_local_speakers(const ChunkActivity& activity, const StitchConfig& config);

// Whether two sorted chunk lists share a chunk.
bool share_a_chunk(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace diarize
