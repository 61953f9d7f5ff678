// Turns as tab-separated tables: TSV for spreadsheets and scripts, and Audacity's label track.
#pragma once

#include <string>
#include <vector>

#include "output/diarization.h"

namespace diarize {

// Header "start\tend\tspeaker", then one "%.3f\t%.3f\tLABEL" line per turn.
std::string format_tsv(const std::vector<std::string>& labels, const std::vector<SpeakerTurn>& turns);

// Audacity's label track (File > Import > Labels): "%.6f\t%.6f\tLABEL" per turn, no header.
std::string format_audacity_labels(const std::vector<std::string>& labels, const std::vector<SpeakerTurn>& turns);

}  // namespace diarize
