// Splits tracks where their voice changes. Stitching follows the segmentation model's local
// speakers from chunk to chunk; when the model swaps or merges two speakers, a track drifts from
// one voice to another while every neighbouring pair of chunks still agrees. A delta-BIC
// change-point test over the track's clean frames, in time order, cuts it there, so that the
// clustering sees pure pieces (which it can merge back freely: pieces of one track never share
// a chunk).
#pragma once

#include <vector>

#include "pipeline/builtin_activity.h"
#include "pipeline/builtin_delta_bic.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_stitching.h"

namespace diarize {

struct TrackSplitConfig {
  bool enabled = true;
  // Each side of a cut needs at least this many clean frames (10 ms).
  int min_side_frames = 200;
  // delta-BIC settings of the change-point test (penalty 1.75, 7 s per side: tuned on ami trn* and
  // the LibriSpeech tune mixes, docs/accuracy.md).
  DeltaBicConfig bic;
};

// Tracks after cutting every track at its best change point while the two sides' delta-BIC is
// positive (binary segmentation, recursively). A cut falls at the centre of a chunk: members of
// chunks centred before it stay, the others form a new track. `frame_track` is
// assign_clean_frames(activity, tracks).
Tracks split_tracks_at_voice_changes(const FeatureMatrix& features, const ChunkActivity& activity,
                                     const Tracks& tracks, const std::vector<int>& frame_track,
                                     const TrackSplitConfig& config);

// For a speaker count asked from above (--num-speakers, --min-speakers): while fewer than
// `min_tracks` tracks hold an eligible member (`eligible` [num_chunks * num_local]: a local speaker
// with enough clean speech in its chunk), the track with the most eligible members loses its first
// or its last eligible member (with the chunks before or after it), whichever delta-BIC sets apart
// more. So the clustering has enough pieces to make that many speakers whenever the file has that
// many eligible members, and a cut that no voice change supports risks the least speech.
Tracks split_tracks_to_count(const FeatureMatrix& features, const ChunkActivity& activity, const Tracks& tracks,
                             const std::vector<int>& frame_track, const std::vector<bool>& eligible, int min_tracks,
                             const TrackSplitConfig& config);

}  // namespace diarize
