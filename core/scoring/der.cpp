// DER on exact elementary segments (every reference, hypothesis and region boundary), with the
// md-eval rules: speakers mapped one-to-one for most overlap inside the UEM (before collars and
// overlap removal), then per segment missed = max(Nref-Nhyp, 0), false alarm = max(Nhyp-Nref, 0),
// confusion = min(Nref, Nhyp) - Ncorrect. JER follows dscore's `jer` on the same segments.
#include "scoring/der.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "scoring/hungarian.h"

namespace diarize {

namespace {

struct LabelledTurn {
  double start_s;
  double end_s;
  int speaker;
};

// Turns with positive duration, speakers numbered in label order (as md-eval ignores empty turns).
std::vector<LabelledTurn> index_turns(const std::vector<RttmTurn>& turns, std::vector<std::string>& labels) {
  std::map<std::string, int> index;
  for (const RttmTurn& t : turns)
    if (t.duration_s > 0) index.emplace(t.speaker, 0);
  labels.clear();
  for (auto& [label, k] : index) {
    k = static_cast<int>(labels.size());
    labels.push_back(label);
  }
  std::vector<LabelledTurn> out;
  for (const RttmTurn& t : turns)
    if (t.duration_s > 0) out.push_back({t.start_s, t.end_s(), index.at(t.speaker)});
  return out;
}

// A piece of the timeline on which no speaker starts or stops, and no region begins or ends.
struct Elementary {
  double start_s;
  double end_s;
  std::vector<int> ref;  // active reference speakers (distinct)
  std::vector<int> hyp;  // active hypothesis speakers (distinct)
};

// Cuts the timeline at every turn boundary and every time in `cuts`, and lists who speaks in
// each piece. A speaker with overlapping turns of its own counts once, as md-eval does.
std::vector<Elementary> elementary_segments(const std::vector<LabelledTurn>& ref, int num_ref,
                                            const std::vector<LabelledTurn>& hyp, int num_hyp,
                                            const std::vector<double>& cuts) {
  struct Event {
    double time_s;
    int delta;
    bool is_ref;
    int speaker;
  };
  std::vector<Event> events;
  std::vector<double> times = cuts;
  for (const auto& t : ref) {
    events.push_back({t.start_s, +1, true, t.speaker});
    events.push_back({t.end_s, -1, true, t.speaker});
  }
  for (const auto& t : hyp) {
    events.push_back({t.start_s, +1, false, t.speaker});
    events.push_back({t.end_s, -1, false, t.speaker});
  }
  for (const Event& e : events) times.push_back(e.time_s);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.time_s < b.time_s; });

  std::vector<int> ref_count(static_cast<size_t>(num_ref), 0), hyp_count(static_cast<size_t>(num_hyp), 0);
  std::vector<Elementary> segments;
  size_t next_event = 0;
  for (size_t k = 0; k + 1 < times.size(); ++k) {
    for (; next_event < events.size() && events[next_event].time_s <= times[k]; ++next_event) {
      const Event& e = events[next_event];
      (e.is_ref ? ref_count : hyp_count)[static_cast<size_t>(e.speaker)] += e.delta;
    }
    Elementary seg{times[k], times[k + 1], {}, {}};
    for (int s = 0; s < num_ref; ++s)
      if (ref_count[static_cast<size_t>(s)] > 0) seg.ref.push_back(s);
    for (int s = 0; s < num_hyp; ++s)
      if (hyp_count[static_cast<size_t>(s)] > 0) seg.hyp.push_back(s);
    segments.push_back(std::move(seg));
  }
  return segments;
}

// Whether pieces, visited in time order, lie inside merged `regions` (whose ends are cut points).
class RegionCursor {
 public:
  explicit RegionCursor(const std::vector<TimeRegion>& regions) : regions_(regions) {}
  bool contains(double start_s, double end_s) {
    while (next_ < regions_.size() && regions_[next_].end_s <= start_s) ++next_;
    return next_ < regions_.size() && regions_[next_].start_s <= start_s && end_s <= regions_[next_].end_s;
  }

 private:
  const std::vector<TimeRegion>& regions_;
  size_t next_ = 0;
};

std::vector<TimeRegion> subtract_regions(const std::vector<TimeRegion>& from, const std::vector<TimeRegion>& cut) {
  std::vector<TimeRegion> out;
  size_t c = 0;
  for (TimeRegion r : from) {
    while (c < cut.size() && cut[c].end_s <= r.start_s) ++c;
    for (size_t k = c; k < cut.size() && cut[k].start_s < r.end_s; ++k) {
      if (cut[k].start_s > r.start_s) out.push_back({r.start_s, cut[k].start_s});
      r.start_s = std::max(r.start_s, cut[k].end_s);
    }
    if (r.end_s > r.start_s) out.push_back(r);
  }
  return out;
}

void append_region_cuts(const std::vector<TimeRegion>& regions, std::vector<double>& cuts) {
  for (const TimeRegion& r : regions) {
    cuts.push_back(r.start_s);
    cuts.push_back(r.end_s);
  }
}

// Where the reference has two or more speakers at once.
std::vector<TimeRegion> reference_overlap(const std::vector<LabelledTurn>& ref, int num_ref) {
  std::vector<TimeRegion> overlap;
  for (const Elementary& seg : elementary_segments(ref, num_ref, {}, 0, {}))
    if (seg.ref.size() >= 2) overlap.push_back({seg.start_s, seg.end_s});
  return merge_regions(std::move(overlap));
}

// ±collar_s around every reference turn boundary (md-eval's add_collars_to_uem).
std::vector<TimeRegion> collar_zones(const std::vector<LabelledTurn>& ref, double collar_s) {
  std::vector<TimeRegion> zones;
  for (const auto& t : ref) {
    zones.push_back({t.start_s - collar_s, t.start_s + collar_s});
    zones.push_back({t.end_s - collar_s, t.end_s + collar_s});
  }
  return merge_regions(std::move(zones));
}

std::vector<TimeRegion> extent_of(const std::vector<RttmTurn>& reference, const std::vector<RttmTurn>& hypothesis) {
  double start_s = std::numeric_limits<double>::infinity(), end_s = -start_s;
  for (const auto* turns : {&reference, &hypothesis})
    for (const RttmTurn& t : *turns) {
      start_s = std::min(start_s, t.start_s);
      end_s = std::max(end_s, t.end_s());
    }
  if (!(end_s > start_s)) return {};
  return {{start_s, end_s}};
}

std::optional<double> percent_of_reference(const FileScore& s, double numerator_s) {
  if (!(s.reference_s > 0)) return std::nullopt;
  return 100.0 * numerator_s / s.reference_s;
}

}  // namespace

FileScore score_file(const std::string& uri, const std::vector<RttmTurn>& reference,
                     const std::vector<RttmTurn>& hypothesis, const std::vector<TimeRegion>* uem,
                     const ScoringOptions& options) {
  if (!std::isfinite(options.collar_s) || options.collar_s < 0)
    throw std::invalid_argument("collar must be a non-negative number of seconds");
  std::vector<std::string> ref_labels, hyp_labels;
  const std::vector<LabelledTurn> ref = index_turns(reference, ref_labels);
  const std::vector<LabelledTurn> hyp = index_turns(hypothesis, hyp_labels);
  const int num_ref = static_cast<int>(ref_labels.size()), num_hyp = static_cast<int>(hyp_labels.size());

  const std::vector<TimeRegion> evaluated = uem ? merge_regions(*uem) : extent_of(reference, hypothesis);
  std::vector<TimeRegion> scored = evaluated;
  if (options.collar_s > 0) scored = subtract_regions(scored, collar_zones(ref, options.collar_s));
  if (options.skip_overlap) scored = subtract_regions(scored, reference_overlap(ref, num_ref));

  std::vector<double> cuts;
  append_region_cuts(evaluated, cuts);
  append_region_cuts(scored, cuts);
  const std::vector<Elementary> segments = elementary_segments(ref, num_ref, hyp, num_hyp, cuts);

  // Pass 1, inside the UEM: speaker times and co-occurrence, for the mapping and for JER.
  const auto nr = static_cast<size_t>(num_ref), nh = static_cast<size_t>(num_hyp);
  std::vector<double> ref_time(nr, 0.0), hyp_time(nh, 0.0);
  Matrix together(nr, std::vector<double>(nh, 0.0));
  std::vector<bool> in_scored(segments.size(), false);
  RegionCursor in_evaluated_cursor(evaluated), in_scored_cursor(scored);
  for (size_t k = 0; k < segments.size(); ++k) {
    const Elementary& seg = segments[k];
    in_scored[k] = in_scored_cursor.contains(seg.start_s, seg.end_s);
    if (!in_evaluated_cursor.contains(seg.start_s, seg.end_s)) continue;
    const double dur_s = seg.end_s - seg.start_s;
    for (int r : seg.ref) ref_time[static_cast<size_t>(r)] += dur_s;
    for (int h : seg.hyp) hyp_time[static_cast<size_t>(h)] += dur_s;
    for (int r : seg.ref)
      for (int h : seg.hyp) together[static_cast<size_t>(r)][static_cast<size_t>(h)] += dur_s;
  }

  FileScore score;
  score.uri = uri;
  std::vector<int> hyp_of_ref(nr, -1);
  if (nr > 0 && nh > 0) {
    hyp_of_ref = max_weight_assignment(together);
    for (size_t r = 0; r < nr; ++r) {
      const int h = hyp_of_ref[r];
      if (h >= 0 && together[r][static_cast<size_t>(h)] > 0)
        score.mapping.emplace_back(ref_labels[r], hyp_labels[static_cast<size_t>(h)]);
      else
        hyp_of_ref[r] = -1;
    }
  }

  // Pass 2, inside the scored region: md-eval's per-segment counts.
  for (size_t k = 0; k < segments.size(); ++k) {
    if (!in_scored[k]) continue;
    const Elementary& seg = segments[k];
    const double dur_s = seg.end_s - seg.start_s;
    const int n_ref = static_cast<int>(seg.ref.size()), n_hyp = static_cast<int>(seg.hyp.size());
    int n_correct = 0;
    for (int r : seg.ref) {
      const int h = hyp_of_ref[static_cast<size_t>(r)];
      if (h >= 0 && std::binary_search(seg.hyp.begin(), seg.hyp.end(), h)) ++n_correct;
    }
    score.scored_s += dur_s;
    score.reference_s += dur_s * n_ref;
    score.missed_s += dur_s * std::max(n_ref - n_hyp, 0);
    score.false_alarm_s += dur_s * std::max(n_hyp - n_ref, 0);
    score.confusion_s += dur_s * (std::min(n_ref, n_hyp) - n_correct);
  }

  // JER (dscore): speakers with speech inside the UEM; the mapping minimises the summed
  // per-speaker error 1 - |R∩H|/|R∪H|, so it may differ from the DER mapping.
  std::vector<size_t> jer_ref, jer_hyp;
  for (size_t r = 0; r < nr; ++r)
    if (ref_time[r] > 0) jer_ref.push_back(r);
  for (size_t h = 0; h < nh; ++h)
    if (hyp_time[h] > 0) jer_hyp.push_back(h);
  score.hypothesis_speakers = static_cast<int>(jer_hyp.size());
  Matrix jer_cost(jer_ref.size(), std::vector<double>(jer_hyp.size()));
  for (size_t i = 0; i < jer_ref.size(); ++i)
    for (size_t j = 0; j < jer_hyp.size(); ++j) {
      const double both_s = together[jer_ref[i]][jer_hyp[j]];
      const double either_s = ref_time[jer_ref[i]] + hyp_time[jer_hyp[j]] - both_s;
      jer_cost[i][j] = 1.0 - both_s / either_s;
    }
  const std::vector<int> jer_map = min_cost_assignment(jer_cost);
  for (size_t i = 0; i < jer_ref.size(); ++i)
    score.speaker_jer.push_back(jer_map[i] >= 0 ? jer_cost[i][static_cast<size_t>(jer_map[i])] : 1.0);
  return score;
}

FileScore sum_scores(const std::vector<FileScore>& files) {
  FileScore total;
  total.uri = "TOTAL";
  for (const FileScore& f : files) {
    total.scored_s += f.scored_s;
    total.reference_s += f.reference_s;
    total.missed_s += f.missed_s;
    total.false_alarm_s += f.false_alarm_s;
    total.confusion_s += f.confusion_s;
    total.speaker_jer.insert(total.speaker_jer.end(), f.speaker_jer.begin(), f.speaker_jer.end());
    total.hypothesis_speakers += f.hypothesis_speakers;
  }
  return total;
}

std::optional<double> der_percent(const FileScore& s) { return percent_of_reference(s, s.error_s()); }
std::optional<double> missed_percent(const FileScore& s) { return percent_of_reference(s, s.missed_s); }
std::optional<double> false_alarm_percent(const FileScore& s) { return percent_of_reference(s, s.false_alarm_s); }
std::optional<double> confusion_percent(const FileScore& s) { return percent_of_reference(s, s.confusion_s); }

double jer_percent(const FileScore& s) {
  if (s.speaker_jer.empty()) return s.hypothesis_speakers > 0 ? 100.0 : 0.0;
  double sum = 0.0;
  for (double j : s.speaker_jer) sum += j;
  return 100.0 * sum / static_cast<double>(s.speaker_jer.size());
}

}  // namespace diarize
