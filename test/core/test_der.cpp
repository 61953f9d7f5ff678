// DER and JER on hand-computed cases; the arithmetic is in the comments. Times are exact binary
// fractions or short decimals, so every expected value is compared with a 1e-9 margin (summing a
// few doubles), not a loose tolerance.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "scoring/der.h"
#include "test_support.h"

using namespace diarize;

namespace {

RttmTurn turn(double start_s, double end_s, const std::string& speaker) {
  RttmTurn t;
  t.uri = "f";
  t.start_s = start_s;
  t.duration_s = end_s - start_s;
  t.speaker = speaker;
  return t;
}

using Turns = std::vector<RttmTurn>;

FileScore score(const Turns& ref, const Turns& hyp, ScoringOptions options = {},
                const std::vector<TimeRegion>* uem = nullptr) {
  return score_file("f", ref, hyp, uem, options);
}

Approx exact(double x) { return Approx(x).margin(1e-9); }

}  // namespace

TEST_CASE("DER: a perfect hypothesis scores 0 whatever its labels", "[der]") {
  const Turns ref = {turn(0, 10, "A"), turn(10, 20, "B"), turn(15, 18, "C")};
  const Turns hyp = {turn(0, 10, "x"), turn(10, 20, "y"), turn(15, 18, "z")};
  const FileScore s = score(ref, hyp);
  CHECK(s.reference_s == exact(23));  // 10 + 10 + 3: the overlap 15-18 counts twice
  CHECK(s.scored_s == exact(20));
  CHECK(s.error_s() == exact(0));
  CHECK(*der_percent(s) == exact(0));
  CHECK(jer_percent(s) == exact(0));
  CHECK(s.mapping == std::vector<std::pair<std::string, std::string>>{{"A", "x"}, {"B", "y"}, {"C", "z"}});
}

TEST_CASE("DER: permuting hypothesis labels changes nothing", "[der]") {
  const Turns ref = {turn(0, 10, "A"), turn(10, 16, "B"), turn(16, 20, "C")};
  const Turns hyp1 = {turn(0, 9, "s1"), turn(9, 17, "s2"), turn(17, 20, "s3")};
  const Turns hyp2 = {turn(0, 9, "s3"), turn(9, 17, "s1"), turn(17, 20, "s2")};
  const FileScore a = score(ref, hyp1), b = score(ref, hyp2);
  // A->s1, B->s2, C->s3; errors: 9-10 is A labelled s2 (1 s), 16-17 is C labelled s2 (1 s).
  CHECK(a.confusion_s == exact(2));
  CHECK(b.confusion_s == exact(a.confusion_s));
  CHECK(*der_percent(b) == exact(*der_percent(a)));
  CHECK(*der_percent(a) == exact(10));  // 2 / 20
  CHECK(jer_percent(b) == exact(jer_percent(a)));
}

TEST_CASE("DER: an empty hypothesis is all missed", "[der]") {
  // Region = extent of the turns, 0-15. Speaker time 10 + 10 = 20, all of it missed.
  const FileScore s = score({turn(0, 10, "A"), turn(5, 15, "B")}, {});
  CHECK(s.reference_s == exact(20));
  CHECK(s.missed_s == exact(20));
  CHECK(s.false_alarm_s == exact(0));
  CHECK(s.confusion_s == exact(0));
  CHECK(*der_percent(s) == exact(100));
  CHECK(*missed_percent(s) == exact(100));
  CHECK(jer_percent(s) == exact(100));  // both reference speakers unmapped
}

TEST_CASE("DER: speech where the reference is silent is false alarm", "[der]") {
  // 0-10 right; 12-14 hypothesis speaks, nobody in the reference: FA 2 s. DER = 2 / 10 = 20 %.
  const FileScore s = score({turn(0, 10, "A")}, {turn(0, 10, "x"), turn(12, 14, "y")});
  CHECK(s.scored_s == exact(14));  // extent 0-14
  CHECK(s.false_alarm_s == exact(2));
  CHECK(s.missed_s == exact(0));
  CHECK(*false_alarm_percent(s) == exact(20));
  CHECK(*der_percent(s) == exact(20));
  // dscore's JER averages over reference speakers only: A<->x is perfect, y is not penalised.
  CHECK(jer_percent(s) == exact(0));

  // No reference speech at all: DER undefined (reported n/a), JER 100 (dscore's convention).
  const FileScore only_fa = score({}, {turn(1, 3, "y")});
  CHECK(only_fa.false_alarm_s == exact(2));
  CHECK_FALSE(der_percent(only_fa).has_value());
  CHECK(jer_percent(only_fa) == exact(100));
}

TEST_CASE("DER: confusion with 3 reference and 2 hypothesis speakers", "[der]") {
  // Overlap: A-x 10, B-y 10, C-y 5. Best one-to-one mapping A->x, B->y; C stays unmapped, so its
  // 5 s (20-25, labelled y) are confusion. DER = 5 / (10 + 10 + 5) = 20 %.
  const Turns ref = {turn(0, 10, "A"), turn(10, 20, "B"), turn(20, 25, "C")};
  const Turns hyp = {turn(0, 10, "x"), turn(10, 25, "y")};
  const FileScore s = score(ref, hyp);
  CHECK(s.confusion_s == exact(5));
  CHECK(s.missed_s == exact(0));
  CHECK(s.false_alarm_s == exact(0));
  CHECK(*der_percent(s) == exact(20));
  CHECK(*confusion_percent(s) == exact(20));
  // JER: A-x 1 - 10/10 = 0; B-y 1 - 10/15 = 1/3; C unmapped 1 -> (0 + 1/3 + 1) / 3 = 4/9.
  CHECK(jer_percent(s) == exact(400.0 / 9.0));
}

TEST_CASE("DER: overlapping speech counts once per speaker and DER can pass 100 %", "[der]") {
  // Two reference speakers 0-10 (20 s of speaker time), hypothesis only at 20-30: missed 20,
  // false alarm 10, DER = 30 / 20 = 150 %.
  const FileScore s = score({turn(0, 10, "A"), turn(0, 10, "B")}, {turn(20, 30, "x")});
  CHECK(s.reference_s == exact(20));
  CHECK(s.missed_s == exact(20));
  CHECK(s.false_alarm_s == exact(10));
  CHECK(*der_percent(s) == exact(150));

  // A 0-10 and B 5-10 against one speaker x 0-10: A->x (10 s beats B's 5 s). In 5-10 two
  // reference speakers face one hypothesis speaker: missed max(2-1, 0) * 5 = 5, confusion
  // (min(2, 1) - 1 correct) * 5 = 0. DER = 5 / 15 = 33.33 %.
  const FileScore o = score({turn(0, 10, "A"), turn(5, 10, "B")}, {turn(0, 10, "x")});
  CHECK(o.missed_s == exact(5));
  CHECK(o.confusion_s == exact(0));
  CHECK(*der_percent(o) == exact(100.0 / 3.0));
}

TEST_CASE("DER: the collar excludes +/- collar seconds around every reference boundary", "[der]") {
  // Hypothesis switches 1 s late: without collar 10-11 is confusion, DER = 1 / 20 = 5 %.
  const Turns ref = {turn(0, 10, "A"), turn(10, 20, "B")};
  const Turns hyp = {turn(0, 11, "x"), turn(11, 20, "y")};
  CHECK(*der_percent(score(ref, hyp)) == exact(5));
  // md-eval -c 0.5: not scored 0-0.5, 9.5-10.5, 19.5-20 (region is 0-20). Scored 18 s, of which
  // 10.5-11 is confusion: DER = 0.5 / 18 = 2.777... % (pyannote would need collar=1.0 for this).
  const FileScore half = score(ref, hyp, {0.5, false});
  CHECK(half.scored_s == exact(18));
  CHECK(half.reference_s == exact(18));
  CHECK(half.confusion_s == exact(0.5));
  CHECK(*der_percent(half) == exact(100.0 * 0.5 / 18.0));
  // -c 1: 9-11 is excluded, the late switch disappears; scored 1-9 and 11-19.
  const FileScore one = score(ref, hyp, {1.0, false});
  CHECK(one.scored_s == exact(16));
  CHECK(one.error_s() == exact(0));
}

TEST_CASE("DER: skip-overlap scores only single-speaker reference regions", "[der]") {
  // A 0-10, B 5-12; hypothesis x 0-12. Mapping A->x (10 s vs 7 s).
  // Full: 5-10 missed 5 (two speakers, one hypothesis), 10-12 confusion 2 (B labelled x).
  // DER = 7 / 17 = 41.18 %. Skipping 5-10: scored 0-5 and 10-12, speaker time 7, error 2: 28.57 %.
  const Turns ref = {turn(0, 10, "A"), turn(5, 12, "B")};
  const Turns hyp = {turn(0, 12, "x")};
  const FileScore full = score(ref, hyp);
  CHECK(full.missed_s == exact(5));
  CHECK(full.confusion_s == exact(2));
  CHECK(*der_percent(full) == exact(700.0 / 17.0));
  const FileScore single = score(ref, hyp, {0.0, true});
  CHECK(single.scored_s == exact(7));
  CHECK(single.reference_s == exact(7));
  CHECK(single.missed_s == exact(0));
  CHECK(single.confusion_s == exact(2));
  CHECK(*der_percent(single) == exact(200.0 / 7.0));
}

TEST_CASE("DER: the UEM restricts scoring and the mapping", "[der]") {
  const Turns ref = {turn(0, 10, "A"), turn(10, 16, "B")};
  const Turns hyp = {turn(0, 16, "x")};
  // No UEM: A->x (10 s vs 6 s), B's 6 s are confusion: 6 / 16 = 37.5 %.
  CHECK(*der_percent(score(ref, hyp)) == exact(37.5));
  // UEM 0-12: B counts only 10-12: 2 / 12.
  const std::vector<TimeRegion> early = {{0, 12}};
  const FileScore e = score(ref, hyp, {}, &early);
  CHECK(e.reference_s == exact(12));
  CHECK(*der_percent(e) == exact(100.0 * 2 / 12));
  // UEM 8-16: inside it B overlaps x for 6 s and A only 2 s, so B->x and A's 2 s are confusion.
  const std::vector<TimeRegion> late = {{8, 16}};
  const FileScore l = score(ref, hyp, {}, &late);
  CHECK(l.mapping == std::vector<std::pair<std::string, std::string>>{{"B", "x"}});
  CHECK(l.confusion_s == exact(2));
  CHECK(*der_percent(l) == exact(25));
  // Two regions with a hole: 0-4 and 14-20. Nothing in 4-14 counts; 16-20 is scored silence.
  const std::vector<TimeRegion> holes = {{0, 4}, {14, 20}};
  const FileScore h = score(ref, hyp, {}, &holes);
  CHECK(h.scored_s == exact(10));
  CHECK(h.reference_s == exact(6));  // A 0-4, B 14-16
  CHECK(h.confusion_s == exact(2));  // A->x (4 s vs 2 s), so B's 14-16 is confused
}

TEST_CASE("JER: partial overlap of one speaker pair", "[jer]") {
  // A 0-10 vs x 5-15: |A∩x| = 5, |A∪x| = 15, JER = 1 - 5/15 = 66.67 %. DER = (5 missed + 5 FA) / 10.
  const FileScore s = score({turn(0, 10, "A")}, {turn(5, 15, "x")});
  CHECK(jer_percent(s) == exact(200.0 / 3.0));
  CHECK(*der_percent(s) == exact(100));
  // JER ignores collars (dscore): same value with a collar.
  CHECK(jer_percent(score({turn(0, 10, "A")}, {turn(5, 15, "x")}, {0.25, false})) == exact(200.0 / 3.0));
}

TEST_CASE("Corpus totals are time-weighted, JER pools reference speakers", "[der]") {
  // File 1: 1 s confused out of 10 (10 %). File 2: 6 s missed out of 30 (20 %).
  // Total (1 + 6) / 40 = 17.5 %, not the mean of the rates (15 %).
  const FileScore f1 = score({turn(0, 5, "A"), turn(5, 10, "B")}, {turn(0, 6, "x"), turn(6, 10, "y")});
  const FileScore f2 = score({turn(0, 30, "A")}, {turn(0, 24, "x")});
  REQUIRE(*der_percent(f1) == exact(10));
  REQUIRE(*der_percent(f2) == exact(20));
  const FileScore total = sum_scores({f1, f2});
  CHECK(total.uri == "TOTAL");
  CHECK(total.reference_s == exact(40));
  CHECK(*der_percent(total) == exact(17.5));
  // JER: f1 A-x 1 - 5/6, B-y 1 - 4/5; f2 A-x 1 - 24/30. Mean over the three speakers.
  const double expected = 100.0 * ((1 - 5.0 / 6) + (1 - 4.0 / 5) + (1 - 24.0 / 30)) / 3;
  CHECK(jer_percent(total) == exact(expected));
}

TEST_CASE("DER: the AMI excerpts' reference scored against itself is 0 for every file", "[der]") {
  const Turns all = read_rttm_file(test::shared_path("data/ami_excerpts/reference.rttm"));
  std::map<std::string, Turns> by_uri;
  for (const RttmTurn& t : all) by_uri[t.uri].push_back(t);
  REQUIRE(by_uri.size() == 12);
  for (const auto& [uri, turns] : by_uri) {
    const FileScore s = score_file(uri, turns, turns, nullptr, {});
    INFO(uri);
    CHECK(s.reference_s > 0);
    // Identical turns give identical elementary segments: exactly zero, not just small.
    CHECK(s.error_s() == 0.0);
    CHECK(jer_percent(s) == 0.0);
  }
}

namespace {

// An independent, deliberately naive scorer for cross-checking: every time is a multiple of
// kFrame_s, so counting frames (by their centres) is exact, and the mapping is found by trying
// every one-to-one map. Returns DER parts and JER for comparison.
constexpr double kFrame_s = 0.25;

struct NaiveScore {
  double reference_s = 0, missed_s = 0, false_alarm_s = 0;
  std::vector<double> confusion_s;  // one value per overlap-maximising map (ties give several)
  double jer_percent = 0;
};

// All injective maps from `n` items into `m` slots (-1 = unmapped), every size.
void all_maps(size_t n, size_t m, std::vector<int>& current, std::vector<std::vector<int>>& out) {
  if (current.size() == n) {
    out.push_back(current);
    return;
  }
  for (int slot = -1; slot < static_cast<int>(m); ++slot) {
    if (slot >= 0 && std::find(current.begin(), current.end(), slot) != current.end()) continue;
    current.push_back(slot);
    all_maps(n, m, current, out);
    current.pop_back();
  }
}

NaiveScore naive_score(const Turns& ref, const Turns& hyp, const std::vector<TimeRegion>* uem, double collar_s,
                       bool skip_overlap) {
  std::map<std::string, size_t> ref_ids, hyp_ids;
  for (const auto& t : ref) ref_ids.emplace(t.speaker, ref_ids.size());
  for (const auto& t : hyp) hyp_ids.emplace(t.speaker, hyp_ids.size());
  double lo = 1e9, hi = -1e9;
  for (const auto* turns : {&ref, &hyp})
    for (const auto& t : *turns) lo = std::min(lo, t.start_s), hi = std::max(hi, t.end_s());
  const int frames = 200;  // 50 s
  struct Frame {
    std::set<size_t> r, h;
    bool eval = false, scored = false;
  };
  std::vector<Frame> fr(frames);
  for (int k = 0; k < frames; ++k) {
    const double c = (k + 0.5) * kFrame_s;
    for (const auto& t : ref)
      if (t.start_s < c && c < t.end_s()) fr[k].r.insert(ref_ids[t.speaker]);
    for (const auto& t : hyp)
      if (t.start_s < c && c < t.end_s()) fr[k].h.insert(hyp_ids[t.speaker]);
    if (uem) {
      for (const auto& region : *uem) fr[k].eval |= region.start_s < c && c < region.end_s;
    } else {
      fr[k].eval = lo < c && c < hi;
    }
    bool in_collar = false;
    for (const auto& t : ref)
      in_collar |= std::abs(c - t.start_s) < collar_s || std::abs(c - t.end_s()) < collar_s;
    fr[k].scored = fr[k].eval && !in_collar && !(skip_overlap && fr[k].r.size() >= 2);
  }
  const size_t nr = ref_ids.size(), nh = hyp_ids.size();
  std::vector<std::vector<double>> together(nr, std::vector<double>(nh, 0.0));
  std::vector<double> rt(nr, 0.0), ht(nh, 0.0);
  for (const Frame& f : fr) {
    if (!f.eval) continue;
    for (size_t r : f.r) rt[r] += kFrame_s;
    for (size_t h : f.h) ht[h] += kFrame_s;
    for (size_t r : f.r)
      for (size_t h : f.h) together[r][h] += kFrame_s;
  }
  NaiveScore s;
  for (const Frame& f : fr) {
    if (!f.scored) continue;
    const double nref = static_cast<double>(f.r.size()), nhyp = static_cast<double>(f.h.size());
    s.reference_s += kFrame_s * nref;
    s.missed_s += kFrame_s * std::max(nref - nhyp, 0.0);
    s.false_alarm_s += kFrame_s * std::max(nhyp - nref, 0.0);
  }
  std::vector<std::vector<int>> maps;
  std::vector<int> current;
  all_maps(nr, nh, current, maps);
  double best_overlap = -1;
  for (const auto& m : maps) {
    double overlap = 0;
    for (size_t r = 0; r < nr; ++r)
      if (m[r] >= 0) overlap += together[r][static_cast<size_t>(m[r])];
    if (overlap > best_overlap + 1e-9) {
      best_overlap = overlap;
      s.confusion_s.clear();
    }
    if (overlap < best_overlap - 1e-9) continue;
    double confusion = 0;
    for (const Frame& f : fr) {
      if (!f.scored) continue;
      size_t correct = 0;
      for (size_t r : f.r)
        if (m[r] >= 0 && f.h.count(static_cast<size_t>(m[r]))) ++correct;
      confusion += kFrame_s * static_cast<double>(std::min(f.r.size(), f.h.size()) - correct);
    }
    s.confusion_s.push_back(confusion);
  }
  // JER over speakers with time in the UEM; unmapped reference speakers cost 1.
  double best_jer = 1e9;
  size_t counted = 0;
  for (size_t r = 0; r < nr; ++r) counted += rt[r] > 0;
  for (const auto& m : maps) {
    double sum = 0;
    for (size_t r = 0; r < nr; ++r) {
      if (!(rt[r] > 0)) continue;
      const int h = m[r];
      if (h >= 0 && ht[static_cast<size_t>(h)] > 0) {
        const double both = together[r][static_cast<size_t>(h)];
        sum += 1.0 - both / (rt[r] + ht[static_cast<size_t>(h)] - both);
      } else {
        sum += 1.0;
      }
    }
    best_jer = std::min(best_jer, sum);
  }
  size_t hyp_speaking = 0;
  for (size_t h = 0; h < nh; ++h) hyp_speaking += ht[h] > 0;
  s.jer_percent = counted ? 100.0 * best_jer / static_cast<double>(counted) : (hyp_speaking ? 100.0 : 0.0);
  return s;
}

Turns random_turns(std::mt19937& rng, int speakers, const char* prefix) {
  std::uniform_int_distribution<int> count(1, 4), start(0, 70), length(1, 24);
  Turns turns;
  for (int s = 0; s < speakers; ++s)
    for (int k = count(rng); k > 0; --k) {
      const double t0 = start(rng) * kFrame_s;
      turns.push_back(turn(t0, t0 + length(rng) * kFrame_s, prefix + std::to_string(s)));
    }
  return turns;
}

}  // namespace

TEST_CASE("DER/JER agree with a naive frame-counting scorer on random cases", "[der]") {
  // Grid-aligned random cases (times, UEM and collars on a 0.25 s grid) make frame counting exact,
  // so the sums must agree to rounding (1e-9); the mapping is checked against exhaustive search.
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> num_ref(1, 4), num_hyp(0, 4), coin(0, 1), collar_steps(0, 2), grid(0, 80);
  for (int trial = 0; trial < 400; ++trial) {
    const Turns ref = random_turns(rng, num_ref(rng), "r");
    const Turns hyp = random_turns(rng, num_hyp(rng), "h");
    std::vector<TimeRegion> uem;
    const bool with_uem = coin(rng);
    if (with_uem)
      for (int k = 1 + coin(rng); k > 0; --k) {
        const double a = grid(rng) * kFrame_s, b = grid(rng) * kFrame_s;
        uem.push_back({std::min(a, b), std::max(a, b) + kFrame_s});
      }
    const std::vector<TimeRegion> merged = merge_regions(uem);
    const ScoringOptions options{collar_steps(rng) * kFrame_s, coin(rng) == 1};
    const FileScore fast = score_file("f", ref, hyp, with_uem ? &merged : nullptr, options);
    const NaiveScore naive = naive_score(ref, hyp, with_uem ? &merged : nullptr, options.collar_s, options.skip_overlap);
    INFO("trial " << trial);
    REQUIRE(fast.reference_s == exact(naive.reference_s));
    REQUIRE(fast.missed_s == exact(naive.missed_s));
    REQUIRE(fast.false_alarm_s == exact(naive.false_alarm_s));
    bool confusion_matches_an_optimal_map = false;
    for (double c : naive.confusion_s) confusion_matches_an_optimal_map |= std::abs(c - fast.confusion_s) < 1e-9;
    REQUIRE(confusion_matches_an_optimal_map);
    REQUIRE(jer_percent(fast) == exact(naive.jer_percent));
  }
}
