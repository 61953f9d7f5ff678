// The built-in path's exclusive diarization: one speaker per frame, for transcripts and subtitles.
// Where several speakers are on, the floor goes to the one whose current turn began last (the
// newcomer: in a conversation the speaker who starts over another is usually taking the turn, and
// the one already speaking is finishing); turns that began on the same frame go to the more active.
// Chosen on the tuning corpora by issue #13's cue-attribution measure (docs/accuracy.md): on the
// AMI training excerpts it gives 75.5 % of reference-turn time to the right speaker where the most
// active speaker (pyannote 4's rule) gives 71.7 %.
#pragma once

#include "pipeline/chunk_frames.h"

namespace diarize {

// `regular`: 0/1 per (frame, speaker); `activations`: the same shape, the aggregated activity used
// to break ties. Returns the exclusive 0/1 series (at most one speaker per frame, none where
// nobody speaks).
FrameSeries exclusive_by_turn_taking(const FrameSeries& regular, const FrameSeries& activations);

}  // namespace diarize
