// Accuracy harness of the built-in embedding: runs its clustering on files with reference RTTMs
// and prints DER per file and over the corpus. The segmentation is either an oracle one built
// from the reference (up to 3 reference speakers per chunk as local speakers, at most 2 per
// frame, like the powerset model) or a cached real segmentation (--seg-cache DIR holding
// <uri>.safetensors with a `segmentation` [C,589,3] tensor). Reconstruction follows 3.1 (count
// = rounded mean local count, top-count clusters per frame) through the shared pipeline code, and
// DER is the project's md-eval scorer (scoring/der.h) over the whole file.
//
// The hypothesis is what diarize prints: diarize_with_builtin_embedding with the count options
// (--num-speakers N, --min-speakers N, --max-speakers N, or --oracle-count [D]: the reference
// count plus D), scored over the manifest's UEM when a line names one, else over the extent of
// reference and hypothesis (as `diarize score` does without --uem).
//
// --rttm DIR writes each hypothesis as DIR/<uri>.rttm.
//
// Usage: builtin_eval [options] MANIFEST   (MANIFEST lines: "<uri> <wav> <rttm> [<uem>]")
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "formats/safetensors.h"
#include "output/rttm.h"
#include "pipeline/builtin_embedding.h"
#include "pipeline/diarize_pipeline.h"
#include "pipeline/builtin_diarization.h"
#include "scoring/der.h"
#include "scoring/hungarian.h"
#include "transcript/speaker_assignment.h"
#include "scoring/uem.h"

using namespace diarize;

namespace {

constexpr int kFrames = 589;
constexpr int kLocal = 3;
constexpr double kChunkS = 10.0;
constexpr double kStepS = 1.0;
constexpr double kFrameS = kChunkS / kFrames;

int num_chunks_for(size_t num_samples) {
  const size_t window = 160000, step = 16000;
  int full = num_samples < window ? 0 : static_cast<int>((num_samples - window) / step + 1);
  const bool padded = num_samples < window || (num_samples - window) % step > 0;
  return full + (padded ? 1 : 0);
}

struct Reference {
  std::vector<std::string> speakers;
  std::vector<std::vector<std::pair<double, double>>> turns;  // per speaker
  bool active(int k, double t) const {
    for (const auto& [a, b] : turns[k])
      if (t >= a && t < b) return true;
    return false;
  }
};

Reference load_reference(const std::string& rttm, const std::string& uri) {
  Reference ref;
  std::map<std::string, int> index;
  for (const RttmTurn& turn : read_rttm_file(rttm)) {
    if (turn.uri != uri) continue;
    auto it = index.find(turn.speaker);
    if (it == index.end()) {
      it = index.emplace(turn.speaker, static_cast<int>(ref.speakers.size())).first;
      ref.speakers.push_back(turn.speaker);
      ref.turns.emplace_back();
    }
    ref.turns[it->second].push_back({turn.start_s, turn.end_s()});
  }
  return ref;
}

std::vector<float> oracle_segmentation(const Reference& ref, int num_chunks) {
  std::vector<float> seg(static_cast<size_t>(num_chunks) * kFrames * kLocal, 0.0f);
  const int n = static_cast<int>(ref.speakers.size());
  for (int c = 0; c < num_chunks; ++c) {
    std::vector<std::pair<int, int>> frames_of;  // (active frames, speaker)
    std::vector<std::vector<bool>> act(n, std::vector<bool>(kFrames));
    for (int k = 0; k < n; ++k) {
      int count = 0;
      for (int j = 0; j < kFrames; ++j) {
        act[k][j] = ref.active(k, c * kStepS + (j + 0.5) * kFrameS);
        count += act[k][j];
      }
      if (count > 0) frames_of.push_back({-count, k});
    }
    std::sort(frames_of.begin(), frames_of.end());
    if (frames_of.size() > kLocal) frames_of.resize(kLocal);
    for (int j = 0; j < kFrames; ++j) {
      int on = 0;
      for (size_t s = 0; s < frames_of.size(); ++s) {
        if (!act[frames_of[s].second][j] || on == 2) continue;
        seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s] = 1.0f;
        ++on;
      }
    }
  }
  return seg;
}

Diarization reconstruct(const ChunkFrames& seg, const std::vector<int>& hard, const JobOptions& options) {
  const PipelineConfig config;
  const SpeakerCount count = speaker_count(seg, chunk_grid(config.chunking), config.frames);
  int k = 0;
  for (int h : hard) k = std::max(k, h + 1);
  return diarize_from_clusters(seg, count, hard, std::vector<float>(k, 0.0f), 1, options, config);
}

// Turns ending past the file are cut there, as the engine does.
FileScore score(const std::string& uri, const std::vector<RttmTurn>& reference, const Diarization& d,
                double duration_s, const std::vector<TimeRegion>* uem, const ScoringOptions& scoring) {
  std::vector<RttmTurn> hyp;
  for (const SpeakerTurn& t : d.turns) {
    if (t.start_s >= duration_s) continue;
    hyp.push_back({uri, 1, t.start_s, std::min(t.end_s, duration_s) - t.start_s, d.labels[t.speaker]});
  }
  return score_file(uri, reference, hyp, uem, scoring);
}

int labels_with_turns(const Diarization& d, double duration_s) {
  std::set<int> seen;
  for (const SpeakerTurn& t : d.turns)
    if (t.start_s < duration_s) seen.insert(t.speaker);
  return static_cast<int>(seen.size());
}

// Oracle: each (chunk, local) labelled with the reference speaker it overlaps most.
std::vector<int> oracle_clusters(const std::vector<float>& seg, int num_chunks, const Reference& ref, int* num_clusters) {
  std::vector<int> hard(static_cast<size_t>(num_chunks) * kLocal, -2);
  const int nr = static_cast<int>(ref.speakers.size());
  for (int c = 0; c < num_chunks; ++c)
    for (int s = 0; s < kLocal; ++s) {
      std::vector<int> votes(nr, 0);
      bool any = false;
      for (int j = 0; j < kFrames; ++j) {
        if (seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s] < 0.5f) continue;
        any = true;
        for (int k = 0; k < nr; ++k) votes[k] += ref.active(k, c * kStepS + (j + 0.5) * kFrameS);
      }
      if (any) hard[static_cast<size_t>(c) * kLocal + s] =
          nr ? static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin()) : 0;
    }
  *num_clusters = std::max(1, nr);
  return hard;
}

}  // namespace

int main(int argc, char** argv) {
  BuiltinEmbeddingConfig config;
  std::string manifest, seg_cache, plda_path, rttm_dir;
  bool oracle_labels = false, oracle_tracks = false, oracle_count = false, debug_tracks = false;
  int oracle_count_delta = 0;
  JobOptions job;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return std::string(argv[++i]); };
    if (a == "--threshold") config.clustering.merge_threshold = std::stod(next());
    else if (a == "--min-track-frames") config.clustering.min_track_frames = std::stoi(next());
    else if (a == "--agreement") config.stitch.min_agreement = std::stod(next());
    else if (a == "--shared-frames") config.stitch.min_shared_frames = std::stoi(next());
    else if (a == "--chunk-distance") config.stitch.max_chunk_distance = std::stoi(next());
    else if (a == "--no-cannot-link") config.clustering.use_cannot_links = false;
    else if (a == "--no-split") config.split.enabled = false;
    else if (a == "--split-penalty") config.split.bic.penalty_weight = std::stod(next());
    else if (a == "--split-min") config.split.min_side_frames = std::stoi(next());
    else if (a == "--split-cap") config.split.bic.max_frames_per_side = std::stod(next());
    else if (a == "--link-clean") config.stitch.min_cannot_link_clean_frames = std::stoi(next());
    else if (a == "--no-refine") config.refinement.enabled = false;
    else if (a == "--min-new") config.clustering.min_new_speaker_frames = std::stoi(next());
    else if (a == "--refine-iterations") config.refinement.iterations = std::stoi(next());
    else if (a == "--refine-frames") config.refinement.min_member_frames = std::stoi(next());
    else if (a == "--no-runs") config.runs.enabled = false;
    else if (a == "--run-threshold") config.runs.merge_threshold = std::stod(next());
    else if (a == "--run-factor") config.runs.min_log_bayes_factor = std::stod(next());
    else if (a == "--min-run") config.runs.min_run_frames = std::stoi(next());
    else if (a == "--no-reseg") config.resegmentation.enabled = false;
    else if (a == "--reseg-weight") config.resegmentation.frame_weight = std::stod(next());
    else if (a == "--reseg-switch") config.resegmentation.switch_penalty = std::stod(next());
    else if (a == "--reseg-exchange") config.resegmentation.max_exchange_log_likelihood_ratio = std::stod(next());
    else if (a == "--reseg-iterations") config.resegmentation.iterations = std::stoi(next());
    else if (a == "--reseg-floor") config.resegmentation.covariance_floor = std::stod(next());
    else if (a == "--seg-cache") seg_cache = next();
    else if (a == "--plda") plda_path = next();
    else if (a == "--num-speakers") job.num_speakers = std::stoi(next());
    else if (a == "--min-speakers") job.min_speakers = std::stoi(next());
    else if (a == "--max-speakers") job.max_speakers = std::stoi(next());
    else if (a == "--oracle-count") oracle_count = true;
    else if (a == "--oracle-count-delta") { oracle_count = true; oracle_count_delta = std::stoi(next()); }
    else if (a == "--oracle-labels") oracle_labels = true;
    else if (a == "--oracle-tracks") oracle_tracks = true;
    else if (a == "--debug-tracks") debug_tracks = true;
    else if (a == "--rttm") rttm_dir = next();
    else manifest = a;
  }
  // The parameters diarize uses: the build tree's copy unless --plda names another file.
  if (plda_path.empty()) plda_path = std::string(DIARIZE_BINARY_DIR) + "/share/diarize/builtin/" + kBuiltinPldaFileName;
  const BuiltinPlda plda = read_builtin_plda(plda_path, config.mfcc);
  std::ifstream in(manifest);
  if (!in) { std::cerr << "builtin_eval: cannot read manifest " << manifest << "\n"; return 2; }
  std::vector<FileScore> corpus, corpus_one, corpus_forgiving;
  // Cue attribution (issue #13's measure): each reference turn as one cue, given the speaker of
  // the exclusive turns that overlap it longest; cue time with the mapped reference speaker.
  double cue_matched_s = 0.0, cue_total_s = 0.0;
  std::string line;
  std::printf("%-20s %5s %5s %6s | %7s %6s %6s %6s | %7s | %7s | %6s\n", "file", "ref", "hyp", "tracks",
              "DER%", "miss", "fa", "conf", "1lab%", "c25so%", "cue%");
  double seconds = 0.0;
  int files = 0, count_within_one = 0, count_exact = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string uri, wav, rttm, uem_path;
    if (!(fields >> uri >> wav >> rttm) || uri[0] == '#') continue;
    fields >> uem_path;
    std::vector<TimeRegion> uem;
    if (!uem_path.empty()) {
      const Uem all = read_uem_file(uem_path);
      if (all.count(uri)) uem = all.at(uri);
    }
    const std::vector<TimeRegion>* scored = uem.empty() ? nullptr : &uem;
    const DecodedAudio audio = decode_audio(wav);
    const Reference ref = load_reference(rttm, uri);
    int num_chunks = num_chunks_for(audio.samples.size());
    std::vector<float> seg;
    if (seg_cache.empty()) {
      seg = oracle_segmentation(ref, num_chunks);
    } else {
      const std::string cached = seg_cache + "/" + uri + ".safetensors";
      if (!std::ifstream(cached)) {
        std::printf("%-20s (skipped: no cached segmentation)\n", uri.c_str());
        continue;
      }
      const auto tensors = read_safetensors(cached);
      const TensorData& t = tensors.at("segmentation");
      num_chunks = static_cast<int>(t.shape.at(0));
      seg = t.to_f32();
    }
    ChunkFrames frames(num_chunks, kFrames, kLocal);
    frames.values = seg;
    JobOptions options = job;
    if (oracle_count) options.num_speakers = std::max(1, static_cast<int>(ref.speakers.size()) + oracle_count_delta);
    const auto t0 = std::chrono::steady_clock::now();
    Diarization d;
    int num_tracks = 0;
    std::vector<int> hard;
    if (oracle_labels) {
      int num_clusters = 0;
      hard = oracle_clusters(seg, num_chunks, ref, &num_clusters);
      d = reconstruct(frames, hard, options);
    } else if (oracle_tracks) {
      // Stitching ceiling: each track labelled with the reference speaker most of its members have.
      ChunkSegmentation view;
      view.values = seg.data();
      view.num_chunks = num_chunks;
      const SpeakerBounds bounds{options.num_speakers, options.min_speakers, options.max_speakers};
      const BuiltinClusters result = cluster_builtin_features(
          compute_mfcc(audio.samples.data(), audio.samples.size(), config.mfcc), view, bounds, plda, config);
      num_tracks = result.num_tracks;
      int nr = 0;
      const std::vector<int> member = oracle_clusters(seg, num_chunks, ref, &nr);
      std::vector<std::vector<int>> votes(result.num_tracks, std::vector<int>(nr, 0));
      for (size_t i = 0; i < member.size(); ++i)
        if (result.track_of[i] >= 0) ++votes[result.track_of[i]][member[i]];
      hard = result.hard_clusters;
      if (debug_tracks)
        for (int k = 0; k < result.num_tracks; ++k) {
          std::vector<int> clusters(result.num_clusters, 0);
          int first = -1, last = -1, members = 0;
          for (size_t i = 0; i < member.size(); ++i)
            if (result.track_of[i] == k) {
              ++members;
              if (first < 0) first = static_cast<int>(i) / kLocal;
              last = static_cast<int>(i) / kLocal;
              if (result.hard_clusters[i] >= 0) ++clusters[result.hard_clusters[i]];
            }
          const auto& v = votes[k];
          const int best = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
          // Reference composition of the track's solo frames (its local speaker alone in the chunk).
          std::vector<int> solo(nr + 1, 0);
          for (size_t i = 0; i < member.size(); ++i) {
            if (result.track_of[i] != k) continue;
            const int c = static_cast<int>(i) / kLocal, s0 = static_cast<int>(i) % kLocal;
            for (int j = 0; j < kFrames; ++j) {
              int on = 0;
              for (int s = 0; s < kLocal; ++s) on += seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s] > 0.5f;
              if (on != 1 || seg[(static_cast<size_t>(c) * kFrames + j) * kLocal + s0] < 0.5f) continue;
              const double t = c * kStepS + (j + 0.5) * kFrameS;
              int who = nr, n_on = 0;
              for (int r = 0; r < nr; ++r) if (ref.active(r, t)) { who = r; ++n_on; }
              if (n_on > 1) who = nr;
              ++solo[who];
            }
          }
          std::printf("  track %3d chunks %3d..%3d members %3d ref %d (%d/%d) solo frames by ref:", k, first, last,
                      members, best, v[best], members);
          for (int r = 0; r <= nr; ++r) std::printf(" %d", solo[r]);
          std::printf("  clusters:");
          for (int c = 0; c < result.num_clusters; ++c)
            if (clusters[c]) std::printf(" %d:%d", c, clusters[c]);
          std::printf("\n");
        }
      for (size_t i = 0; i < member.size(); ++i)
        if (result.track_of[i] >= 0) {
          const auto& v = votes[result.track_of[i]];
          hard[i] = static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
        }
      d = reconstruct(frames, hard, options);
    } else {
      d = diarize_with_builtin_embedding(frames, audio.samples.data(), audio.samples.size(), options, plda,
                                         PipelineConfig{}, config);
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<RttmTurn> reference;
    for (const RttmTurn& t : read_rttm_file(rttm))
      if (t.uri == uri) reference.push_back(t);
    if (!rttm_dir.empty()) {
      std::ofstream out(rttm_dir + "/" + uri + ".rttm");
      for (const SpeakerTurn& t : d.turns)
        if (t.start_s < audio.duration_s())
          out << "SPEAKER " << uri << " 1 " << t.start_s << " " << std::min(t.end_s, audio.duration_s()) - t.start_s
              << " <NA> <NA> " << d.labels[t.speaker] << " <NA> <NA>\n";
    }
    const FileScore s = score(uri, reference, d, audio.duration_s(), scored, ScoringOptions{});
    // "1 label": the same speech regions, all in one cluster.
    Diarization one = d;
    for (SpeakerTurn& t : one.turns) t.speaker = 0;
    one.labels.resize(std::min<size_t>(1, one.labels.size()));
    const FileScore s1 = score(uri, reference, one, audio.duration_s(), scored, ScoringOptions{});
    const FileScore sf = score(uri, reference, d, audio.duration_s(), scored, ScoringOptions{0.25, true});
    corpus.push_back(s);
    corpus_one.push_back(s1);
    corpus_forgiving.push_back(sf);
    double file_cue_percent = 0.0;
    {
      std::map<std::string, size_t> ref_index;
      for (const RttmTurn& t : reference) ref_index.emplace(t.speaker, ref_index.size());
      Matrix time(ref_index.size(), std::vector<double>(std::max<size_t>(1, d.labels.size()), 0.0));
      double total = 0.0;
      for (const RttmTurn& t : reference) {
        const int who = speaker_for_interval(d.exclusive_turns, t.start_s, t.end_s());
        if (who >= 0) time[ref_index[t.speaker]][static_cast<size_t>(who)] += t.duration_s;
        total += t.duration_s;
      }
      double matched = 0.0;
      const std::vector<int> mapping = max_weight_assignment(time);
      for (size_t row = 0; row < mapping.size(); ++row)
        if (mapping[row] >= 0) matched += time[row][static_cast<size_t>(mapping[row])];
      cue_matched_s += matched;
      cue_total_s += total;
      file_cue_percent = total > 0 ? 100.0 * matched / total : 0.0;
    }
    const int found = labels_with_turns(d, audio.duration_s());
    const int truth = static_cast<int>(ref.speakers.size());
    ++files;
    count_within_one += std::abs(found - truth) <= 1;
    count_exact += found == truth;
    std::printf("%-20s %5d %5d %6d | %7.2f %6.2f %6.2f %6.2f | %7.2f | %7.2f | %6.2f%s\n", uri.c_str(), truth, found,
                num_tracks, der_percent(s).value_or(0.0), missed_percent(s).value_or(0.0),
                false_alarm_percent(s).value_or(0.0), confusion_percent(s).value_or(0.0),
                der_percent(s1).value_or(0.0), der_percent(sf).value_or(0.0), file_cue_percent,
                der_percent(s).value_or(0.0) > der_percent(s1).value_or(0.0) + 1e-9 ? "  WORSE-THAN-ONE-LABEL" : "");
  }
  const FileScore c = sum_scores(corpus), c1 = sum_scores(corpus_one), cf = sum_scores(corpus_forgiving);
  std::printf("%-20s %5s %5s %6s | %7.2f %6.2f %6.2f %6.2f | %7.2f | %7.2f | %6.2f\n", "CORPUS", "", "", "",
              der_percent(c).value_or(0.0), missed_percent(c).value_or(0.0), false_alarm_percent(c).value_or(0.0),
              confusion_percent(c).value_or(0.0), der_percent(c1).value_or(0.0), der_percent(cf).value_or(0.0),
              cue_total_s > 0 ? 100.0 * cue_matched_s / cue_total_s : 0.0);
  std::printf("speaker count: exact on %d of %d files, within 1 on %d\n", count_exact, files, count_within_one);
  std::printf("clustering time %.3f s\n", seconds);
  return 0;
}
