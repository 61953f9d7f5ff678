// Word and segment to speaker assignment on the exclusive turns (rules in speaker_assignment.h).
#include "transcript/speaker_assignment.h"

#include <algorithm>
#include <map>

namespace diarize {

namespace {

constexpr double kTieTolerance_s = 1e-9;

// Turns sorted by start with the running maximum of their ends, so the turns near an interval
// are found by binary search whatever the turns are (exclusive turns never overlap, but nothing
// here relies on it).
class TurnIndex {
 public:
  explicit TurnIndex(const std::vector<SpeakerTurn>& turns) : turns_(turns) {
    std::stable_sort(turns_.begin(), turns_.end(),
                     [](const SpeakerTurn& a, const SpeakerTurn& b) { return a.start_s < b.start_s; });
    double running = -1e300;
    for (const SpeakerTurn& t : turns_) {
      running = std::max(running, t.end_s);
      max_end_.push_back(running);
    }
  }

  int speaker_for(double start_s, double end_s, double max_gap_s) const {
    const double reach = max_gap_s + kTieTolerance_s;
    const size_t first =
        static_cast<size_t>(std::lower_bound(max_end_.begin(), max_end_.end(), start_s - reach) - max_end_.begin());
    std::map<int, double> overlap_s;  // ordered by speaker: the first maximum is the lower index
    int nearest = kUnknownSpeaker;
    double nearest_gap_s = 0.0;
    for (size_t i = first; i < turns_.size() && turns_[i].start_s <= end_s + reach; ++i) {
      const SpeakerTurn& t = turns_[i];
      const double overlap = std::min(end_s, t.end_s) - std::max(start_s, t.start_s);
      if (overlap > 0.0) overlap_s[t.speaker] += overlap;
      const double gap = std::max({t.start_s - end_s, start_s - t.end_s, 0.0});
      const bool closer = nearest == kUnknownSpeaker || gap < nearest_gap_s - kTieTolerance_s ||
                          (gap <= nearest_gap_s + kTieTolerance_s && t.speaker < nearest);
      if (closer) {
        nearest = t.speaker;
        nearest_gap_s = gap;
      }
    }
    if (!overlap_s.empty()) {
      int best = kUnknownSpeaker;
      double best_s = 0.0;
      for (const auto& [speaker, seconds] : overlap_s)
        if (best == kUnknownSpeaker || seconds > best_s + kTieTolerance_s) {
          best = speaker;
          best_s = seconds;
        }
      return best;
    }
    return nearest != kUnknownSpeaker && nearest_gap_s <= reach ? nearest : kUnknownSpeaker;
  }

 private:
  std::vector<SpeakerTurn> turns_;
  std::vector<double> max_end_;
};

// Where each word starts in the segment's text, searching in order; npos for a word not found.
std::vector<size_t> locate_words(const std::string& text, const std::vector<TranscriptWord>& words) {
  std::vector<size_t> positions;
  size_t cursor = 0;
  for (const TranscriptWord& word : words) {
    const size_t at = word.text.empty() ? std::string::npos : text.find(word.text, cursor);
    positions.push_back(at);
    if (at != std::string::npos) cursor = at + word.text.size();
  }
  return positions;
}

std::string trim(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && (s[begin] == ' ' || s[begin] == '\t')) ++begin;
  while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  return s.substr(begin, end - begin);
}

std::string join_words(const std::vector<TranscriptWord>& words, size_t begin, size_t end) {
  std::string text;
  for (size_t i = begin; i < end; ++i) {
    if (!text.empty()) text += ' ';
    text += words[i].text;
  }
  return text;
}

// A segment with timed words: each word's speaker, then the segment cut where it changes.
void assign_words(const TranscriptSegment& segment, const TurnIndex& index, const AssignmentConfig& config,
                  AttributedTranscript& out) {
  const std::vector<TranscriptWord>& words = segment.words;
  std::vector<int> speakers(words.size(), kUnknownSpeaker);
  for (size_t i = 0; i < words.size(); ++i)
    if (words[i].timed) speakers[i] = index.speaker_for(words[i].start_s, words[i].end_s, config.max_gap_s);
  // Untimed words: the previous timed word's speaker, or for leading ones the first timed word's.
  size_t first_timed = 0;
  while (!words[first_timed].timed) ++first_timed;
  for (size_t i = 0; i < words.size(); ++i)
    if (!words[i].timed) speakers[i] = i < first_timed ? speakers[first_timed] : speakers[i - 1];

  for (size_t i = 0; i < words.size(); ++i)
    out.words.push_back({words[i].text, words[i].start_s, words[i].end_s, words[i].timed, speakers[i]});

  std::vector<size_t> piece_starts{0};
  for (size_t i = 1; i < words.size(); ++i)
    if (speakers[i] != speakers[i - 1]) piece_starts.push_back(i);
  if (piece_starts.size() == 1) {
    const std::string text = segment.text.empty() ? join_words(words, 0, words.size()) : segment.text;
    out.cues.push_back({segment.start_s, segment.end_s, text, speakers[0]});
    return;
  }
  const std::vector<size_t> positions = locate_words(segment.text, words);
  const bool located = std::all_of(piece_starts.begin() + 1, piece_starts.end(),
                                   [&](size_t i) { return positions[i] != std::string::npos; });
  for (size_t p = 0; p < piece_starts.size(); ++p) {
    const size_t begin = piece_starts[p];
    const size_t end = p + 1 < piece_starts.size() ? piece_starts[p + 1] : words.size();
    AttributedCue cue;
    cue.speaker = speakers[begin];
    bool any = false;
    for (size_t i = begin; i < end; ++i) {
      if (!words[i].timed) continue;
      cue.start_s = any ? std::min(cue.start_s, words[i].start_s) : words[i].start_s;
      cue.end_s = any ? std::max(cue.end_s, words[i].end_s) : words[i].end_s;
      any = true;
    }
    if (located) {
      // The segment's own spelling between the pieces' first words keeps its spaces and punctuation.
      const size_t from = p == 0 ? 0 : positions[begin];
      const size_t to = end < words.size() ? positions[end] : segment.text.size();
      cue.text = trim(segment.text.substr(from, to - from));
    } else {
      cue.text = join_words(words, begin, end);
    }
    out.cues.push_back(std::move(cue));
  }
}

}  // namespace

int speaker_for_interval(const std::vector<SpeakerTurn>& turns, double start_s, double end_s,
                         const AssignmentConfig& config) {
  return TurnIndex(turns).speaker_for(start_s, end_s, config.max_gap_s);
}

AttributedTranscript assign_speakers(const Transcript& transcript, const std::vector<SpeakerTurn>& exclusive_turns,
                                     const AssignmentConfig& config) {
  const TurnIndex index(exclusive_turns);
  AttributedTranscript out;
  for (const TranscriptSegment& segment : transcript.segments) {
    const bool any_timed =
        std::any_of(segment.words.begin(), segment.words.end(), [](const TranscriptWord& w) { return w.timed; });
    if (any_timed) {
      assign_words(segment, index, config, out);
      continue;
    }
    const int speaker = index.speaker_for(segment.start_s, segment.end_s, config.max_gap_s);
    if (segment.words.empty()) {
      out.words.push_back({segment.text, segment.start_s, segment.end_s, true, speaker});
    } else {
      for (const TranscriptWord& w : segment.words) out.words.push_back({w.text, 0.0, 0.0, false, speaker});
    }
    const std::string text = segment.text.empty() ? join_words(segment.words, 0, segment.words.size()) : segment.text;
    out.cues.push_back({segment.start_s, segment.end_s, text, speaker});
  }
  return out;
}

std::string speaker_name(const std::vector<std::string>& labels, int speaker) {
  if (speaker < 0 || static_cast<size_t>(speaker) >= labels.size()) return "UNKNOWN";
  return labels[static_cast<size_t>(speaker)];
}

}  // namespace diarize
