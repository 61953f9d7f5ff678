// Diarization error rate (md-eval semantics, exact times) and Jaccard error rate (dscore
// semantics) for one file, and corpus totals. Definitions and conventions: docs/scoring.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "output/rttm.h"
#include "scoring/uem.h"

namespace diarize {

struct ScoringOptions {
  double collar_s = 0.0;      // md-eval `-c`: not scored within ± collar_s of every reference boundary
  bool skip_overlap = false;  // md-eval `-1`: score only where the reference has at most one speaker
};

// Error times of one file (or, summed, of a corpus). Times are seconds of speaker time: a region
// where two reference speakers talk counts twice, so DER can exceed 100 %.
struct FileScore {
  std::string uri;
  double scored_s = 0.0;       // length of the scored region (UEM minus collars / overlap)
  double reference_s = 0.0;    // reference speaker time in the scored region (DER denominator)
  double missed_s = 0.0;
  double false_alarm_s = 0.0;
  double confusion_s = 0.0;
  // JER, dscore style: for each reference speaker with speech in the UEM, 1 - |R∩H| / |R∪H| with
  // its mapped hypothesis speaker (1 when unmapped). No collar, overlap included.
  std::vector<double> speaker_jer;
  int hypothesis_speakers = 0;  // hypothesis speakers with speech in the UEM
  // The DER mapping: (reference label, hypothesis label) for pairs that overlap at all.
  std::vector<std::pair<std::string, std::string>> mapping;

  double error_s() const { return missed_s + false_alarm_s + confusion_s; }
};

// Scores one file. All turns are taken to belong to that file (their uri is not looked at).
// `uem`: the scored regions (merged, as parse_uem returns them); nullptr scores the extent of
// reference and hypothesis turns together, from the earliest onset to the latest offset (dscore).
FileScore score_file(const std::string& uri, const std::vector<RttmTurn>& reference,
                     const std::vector<RttmTurn>& hypothesis, const std::vector<TimeRegion>* uem,
                     const ScoringOptions& options);

// Corpus totals: times summed (so rates are time-weighted), JER speakers pooled (dscore's global
// JER is the mean over all reference speakers of all files). uri is "TOTAL".
FileScore sum_scores(const std::vector<FileScore>& files);

// Percentages of reference speaker time; empty when the file has no reference speech.
std::optional<double> der_percent(const FileScore& s);
std::optional<double> missed_percent(const FileScore& s);
std::optional<double> false_alarm_percent(const FileScore& s);
std::optional<double> confusion_percent(const FileScore& s);
// Mean speaker JER in percent; with no reference speaker: 100 if the hypothesis has speech, else 0.
double jer_percent(const FileScore& s);

}  // namespace diarize
