// Speaker totals by a sweep over the turns' boundaries: between two consecutive boundaries the
// set of active speakers is constant, so each stretch adds to its speakers' speech and overlap.
#include "output/speaker_summary.h"

#include <algorithm>

namespace diarize {

std::vector<SpeakerSummary> summarize_speakers(const std::vector<std::string>& labels,
                                               const std::vector<SpeakerTurn>& turns) {
  const size_t speaker_count = labels.size();
  std::vector<SpeakerSummary> summary(speaker_count);
  struct Event {
    double time_s;
    int speaker;
    int delta;  // +1 a turn starts, -1 it ends
  };
  std::vector<Event> events;
  for (const SpeakerTurn& turn : turns) {
    if (turn.speaker < 0 || static_cast<size_t>(turn.speaker) >= speaker_count) continue;
    ++summary[static_cast<size_t>(turn.speaker)].turns;
    if (turn.end_s <= turn.start_s) continue;
    events.push_back({turn.start_s, turn.speaker, +1});
    events.push_back({turn.end_s, turn.speaker, -1});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.time_s < b.time_s; });

  std::vector<int> active(speaker_count, 0);  // open turns per speaker (a speaker's own turns may touch)
  int speaking = 0;                           // speakers with at least one open turn
  for (size_t i = 0; i < events.size();) {
    const double now = events[i].time_s;
    for (; i < events.size() && events[i].time_s == now; ++i) {
      int& count = active[static_cast<size_t>(events[i].speaker)];
      const bool was = count > 0;
      count += events[i].delta;
      speaking += (count > 0) - was;
    }
    if (i == events.size()) break;
    const double stretch_s = events[i].time_s - now;
    for (size_t k = 0; k < speaker_count; ++k) {
      if (active[k] <= 0) continue;
      summary[k].speech_s += stretch_s;
      if (speaking > 1) summary[k].overlap_s += stretch_s;
    }
  }
  double total_s = 0.0;
  for (const SpeakerSummary& s : summary) total_s += s.speech_s;
  if (total_s > 0.0)
    for (SpeakerSummary& s : summary) s.share = s.speech_s / total_s;
  return summary;
}

}  // namespace diarize
