// A guarantee the built-in embedding gives when a speaker count is asked for: every cluster it
// made comes out as a label with at least one turn. pyannote's reconstruction lets a cluster
// vanish where other clusters outweigh it in every frame it is active (a piece of a voice that
// neighbouring chunks give to someone else); the 3.1 paths keep that behaviour (the goldens pin it).
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/chunk_frames.h"

namespace diarize {

// Where a cluster's only turns would lie past the end of the audio (the zero-padded last chunk),
// the output cuts them away, so only frames whose middle (where turns start) is before `end_s` count.
struct SilentClusterRule {
  double max_turn_s = 0.0;  // 0: pyannote's behaviour, nothing is given
  double end_s = 0.0;
};

// `binary` is discrete_diarization(activations, count). Each of the first `num_clusters` columns
// that is never on (before rule.end_s) takes frames around its strongest activation (before
// rule.end_s; preferably where a count-padding column is on, which names nobody), at most
// rule.max_turn_s of them: the contiguous run around its
// first peak where its activation is at least half the peak, centred on the peak (the others
// outweigh it there, so the least time that still makes a turn is the least likely to be wrong).
// There it replaces the weakest column that is on (padding first, never a cluster this function
// has given frames to), or speaks alone where the count says nobody does. Returns how many
// clusters were given frames.
int give_silent_clusters_frames(const FrameSeries& activations, const std::vector<int>& count, int64_t num_clusters,
                                const SilentClusterRule& rule, FrameSeries& binary);

}  // namespace diarize
