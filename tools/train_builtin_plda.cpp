// Trains the built-in embedding's parameters (pipeline/builtin_plda.h) from $DIARIZE_SHARED/data,
// using only issue #11's training split: the speechocean762_train speakers whose number mod 3 is
// not 0, the LibriSpeech clips and ami_excerpts/trn*. Development only: it is not built by default
// and never runs in CI (docs/accuracy.md says how the shipped file was made and its SHA-256).
//
//   train_builtin_plda [--out FILE] [--dim N] [--validate]
//
// Training material: "conversations" made the way diarize sees audio. The clips of 2-8 speakers are
// concatenated (0.2-1 s of silence between, levels within +-3 dB), the MFCCs of the whole
// conversation are computed and normalised per file by the product's own code, and every
// utterance's speech (the clip without its leading and trailing silence) is cut into pieces of
// 0.5-6 s, like the tracks the diarization clusters. AMI excerpts contribute the runs where exactly
// one reference speaker talks. A class is one speaker in one conversation (the per-file
// normalisation moves a voice from file to file).
//
// Estimation, all in closed form:
//   mu          mean of the pieces' mean MFCCs;
//   projection  LDA: whitens the within-class scatter of the pieces' means, then keeps the `dim`
//               directions where the class means spread most (around their conversation's mean);
//   W, F        within-class covariance of a piece's projected mean modelled as W + F / frames,
//               fitted by least squares over the pieces' deviations from their class mean;
//   B           covariance of the class means minus the part their own averaging explains.
// --validate trains on the speechocean762 speakers with number mod 3 = 1 (and half of the other
// sets) and prints same/different-speaker equal error rates on the rest, for choosing --dim.
//
// Deterministic: fixed seeds, sorted file lists, one thread, so the output is the same bytes on
// every run with the same data and build.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/speech_extent.h"
#include "formats/safetensors.h"
#include "formats/sha256.h"
#include "output/rttm.h"
#include "pipeline/builtin_features.h"
#include "pipeline/builtin_plda.h"
#include "pipeline/splitmix_random.h"
#include "pipeline/small_linalg.h"

namespace fs = std::filesystem;
using namespace diarize;

namespace {

constexpr int kRate = 16000;
constexpr int kMinPieceFrames = 50;  // 0.5 s: the shortest track the clustering seeds with

using Random = SplitMixRandom;

// One piece of one speaker's speech: the mean of its MFCC frames.
struct Piece {
  int cls;  // (conversation, speaker)
  int conversation;
  int speaker;  // global id, for validation pairs
  double frames;
  std::vector<double> mean;
};

struct Speaker {
  int id;
  std::vector<std::string> clips;  // sorted
};

struct Corpus {
  std::vector<Piece> pieces;
  int num_classes = 0;
  int num_conversations = 0;
};

// Cuts frames [t0, t1) into pieces of 0.5-6 s (a remainder under 0.5 s joins the last piece).
void add_pieces(const FeatureMatrix& f, int t0, int t1, int cls, int conversation, int speaker, Random& rng,
                Corpus& corpus) {
  while (t1 - t0 >= kMinPieceFrames) {
    int end = t0 + static_cast<int>(rng.uniform(0.5, 6.0) * 100);
    if (t1 - end < kMinPieceFrames) end = t1;
    Piece p{cls, conversation, speaker, static_cast<double>(end - t0), std::vector<double>(f.dim, 0.0)};
    for (int t = t0; t < end; ++t)
      for (int d = 0; d < f.dim; ++d) p.mean[d] += f.row(t)[d];
    for (double& v : p.mean) v /= p.frames;
    corpus.pieces.push_back(std::move(p));
    t0 = end;
  }
}

// Conversations of `per_conversation_min..max` speakers drawn from `speakers`, `clips_per_speaker`
// clips each, until every speaker has been in `rounds` conversations.
void clip_conversations(const std::vector<Speaker>& speakers, int min_speakers, int max_speakers,
                        int clips_per_speaker, int rounds, uint64_t seed, const MfccConfig& mfcc, Corpus& corpus) {
  Random rng{seed};
  for (int round = 0; round < rounds; ++round) {
    std::vector<int> order(speakers.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    rng.shuffle(order);
    for (size_t next = 0; next < order.size();) {
      size_t k = min_speakers + rng.below(static_cast<size_t>(max_speakers - min_speakers + 1));
      k = std::min(k, order.size() - next);
      if (k < 2) break;
      struct Turn { int speaker; std::string clip; };
      std::vector<Turn> turns;
      std::map<int, int> class_of;
      for (size_t i = next; i < next + k; ++i) {
        std::vector<std::string> clips = speakers[order[i]].clips;
        rng.shuffle(clips);
        clips.resize(std::min<size_t>(clips.size(), clips_per_speaker));
        for (const std::string& c : clips) turns.push_back({order[i], c});
        class_of[order[i]] = corpus.num_classes++;
      }
      next += k;
      rng.shuffle(turns);
      std::vector<float> mix(static_cast<size_t>(0.5 * kRate), 0.0f);
      struct Placed { int speaker; size_t first, last; };
      std::vector<Placed> placed;
      for (const Turn& turn : turns) {
        const std::vector<float> x = decode_audio(turn.clip).samples;
        const auto [a, b] = speech_extent(x, kRate);
        double energy = 0;
        for (size_t i = a; i < b; ++i) energy += static_cast<double>(x[i]) * x[i];
        const double rms = std::sqrt(energy / std::max<size_t>(1, b - a));
        const double gain = std::pow(10.0, rng.uniform(-3.0, 3.0) / 20.0) * 0.05 / std::max(1e-6, rms);
        const size_t offset = mix.size();
        for (size_t i = a; i < b; ++i) mix.push_back(static_cast<float>(gain * x[i]));
        placed.push_back({turn.speaker, offset, mix.size()});
        mix.resize(mix.size() + static_cast<size_t>(rng.uniform(0.2, 1.0) * kRate), 0.0f);
      }
      const FeatureMatrix f = compute_mfcc(mix.data(), mix.size(), mfcc);
      const int shift = mfcc.frame_shift_samples, length = mfcc.frame_length_samples;
      for (const Placed& p : placed) {
        // Frames that lie entirely inside the utterance.
        const int t0 = static_cast<int>((p.first + shift - 1) / shift);
        const int t1 = p.last < static_cast<size_t>(length) ? 0 : static_cast<int>((p.last - length) / shift) + 1;
        add_pieces(f, t0, std::min(t1, f.num_frames), class_of[p.speaker], corpus.num_conversations,
                   speakers[p.speaker].id, rng, corpus);
      }
      ++corpus.num_conversations;
    }
  }
}

// An AMI excerpt: runs of frames where exactly one reference speaker talks.
void reference_conversation(const std::string& wav, const std::string& rttm, const std::string& uri, int first_id,
                            uint64_t seed, const MfccConfig& mfcc, Corpus& corpus) {
  Random rng{seed};
  const std::vector<float> x = decode_audio(wav).samples;
  const FeatureMatrix f = compute_mfcc(x.data(), x.size(), mfcc);
  std::vector<RttmTurn> turns;
  std::map<std::string, int> index;
  for (const RttmTurn& t : read_rttm_file(rttm))
    if (t.uri == uri) {
      turns.push_back(t);
      index.emplace(t.speaker, static_cast<int>(index.size()));
    }
  std::vector<int> who(f.num_frames, -1);
  for (int t = 0; t < f.num_frames; ++t) {
    const double centre = f.frame_centre_s(t);
    int n = 0, speaker = -1;
    for (const RttmTurn& turn : turns)
      if (centre >= turn.start_s && centre < turn.end_s() && index[turn.speaker] != speaker) {
        speaker = index[turn.speaker];
        ++n;
      }
    if (n == 1) who[t] = speaker;
  }
  for (int t = 0; t < f.num_frames;) {
    int end = t;
    while (end < f.num_frames && who[end] == who[t]) ++end;
    if (who[t] >= 0) add_pieces(f, t, end, corpus.num_classes + who[t], corpus.num_conversations, first_id + who[t], rng, corpus);
    t = end;
  }
  corpus.num_classes += static_cast<int>(index.size());
  ++corpus.num_conversations;
}

// rows x cols times cols x cols' (row-major).
std::vector<double> multiply(const std::vector<double>& a, const std::vector<double>& b, int rows, int inner, int cols) {
  std::vector<double> c(static_cast<size_t>(rows) * cols, 0.0);
  for (int i = 0; i < rows; ++i)
    for (int k = 0; k < inner; ++k)
      for (int j = 0; j < cols; ++j) c[static_cast<size_t>(i) * cols + j] += a[static_cast<size_t>(i) * inner + k] * b[static_cast<size_t>(k) * cols + j];
  return c;
}

// The nearest positive semi-definite matrix with eigenvalues at least `floor`.
SquareMatrix clip_eigenvalues(const SquareMatrix& m, int d, double floor) {
  std::vector<double> values;
  SquareMatrix vectors;
  symmetric_eigen(m, d, values, vectors);
  SquareMatrix out(static_cast<size_t>(d) * d, 0.0);
  for (int k = 0; k < d; ++k) {
    const double v = std::max(values[k], floor);
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        out[static_cast<size_t>(i) * d + j] += v * vectors[static_cast<size_t>(i) * d + k] * vectors[static_cast<size_t>(j) * d + k];
  }
  return out;
}

BuiltinPlda train(const Corpus& corpus, int input_dim, int dim) {
  const int d = input_dim;
  BuiltinPlda plda;
  plda.input_dim = d;
  plda.dim = dim;
  plda.mean.assign(d, 0.0);
  for (const Piece& p : corpus.pieces)
    for (int i = 0; i < d; ++i) plda.mean[i] += p.mean[i] / corpus.pieces.size();

  // Class means (unweighted over pieces) and conversation means of class means.
  std::vector<std::vector<double>> class_mean(corpus.num_classes, std::vector<double>(d, 0.0));
  std::vector<int> class_size(corpus.num_classes, 0), class_conversation(corpus.num_classes, -1);
  for (const Piece& p : corpus.pieces) {
    for (int i = 0; i < d; ++i) class_mean[p.cls][i] += p.mean[i];
    ++class_size[p.cls];
    class_conversation[p.cls] = p.conversation;
  }
  for (int c = 0; c < corpus.num_classes; ++c)
    for (double& v : class_mean[c]) v /= std::max(1, class_size[c]);
  std::vector<std::vector<double>> conversation_mean(corpus.num_conversations, std::vector<double>(d, 0.0));
  std::vector<int> conversation_classes(corpus.num_conversations, 0);
  for (int c = 0; c < corpus.num_classes; ++c) {
    if (class_size[c] == 0) continue;
    for (int i = 0; i < d; ++i) conversation_mean[class_conversation[c]][i] += class_mean[c][i];
    ++conversation_classes[class_conversation[c]];
  }
  for (int v = 0; v < corpus.num_conversations; ++v)
    for (double& x : conversation_mean[v]) x /= std::max(1, conversation_classes[v]);

  // LDA.
  SquareMatrix sw(static_cast<size_t>(d) * d, 0.0), sb(static_cast<size_t>(d) * d, 0.0);
  for (const Piece& p : corpus.pieces)
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        sw[static_cast<size_t>(i) * d + j] += (p.mean[i] - class_mean[p.cls][i]) * (p.mean[j] - class_mean[p.cls][j]);
  int between_count = 0;
  for (int c = 0; c < corpus.num_classes; ++c) {
    if (class_size[c] == 0) continue;
    const std::vector<double>& centre = conversation_mean[class_conversation[c]];
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        sb[static_cast<size_t>(i) * d + j] += (class_mean[c][i] - centre[i]) * (class_mean[c][j] - centre[j]);
    ++between_count;
  }
  for (double& v : sw) v /= corpus.pieces.size();
  for (double& v : sb) v /= between_count;
  std::vector<double> w_values, b_values;
  SquareMatrix w_vectors, b_vectors;
  symmetric_eigen(sw, d, w_values, w_vectors);
  std::vector<double> whitening(static_cast<size_t>(d) * d);  // rows: W^-1/2 directions
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < d; ++i)
      whitening[static_cast<size_t>(k) * d + i] = w_vectors[static_cast<size_t>(i) * d + k] / std::sqrt(std::max(w_values[k], 1e-9));
  std::vector<double> whitening_t(static_cast<size_t>(d) * d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) whitening_t[static_cast<size_t>(j) * d + i] = whitening[static_cast<size_t>(i) * d + j];
  const SquareMatrix sb_white = multiply(multiply(whitening, sb, d, d, d), whitening_t, d, d, d);
  symmetric_eigen(sb_white, d, b_values, b_vectors);
  plda.projection.assign(static_cast<size_t>(dim) * d, 0.0);
  for (int k = 0; k < dim; ++k)
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        plda.projection[static_cast<size_t>(k) * d + i] += b_vectors[static_cast<size_t>(j) * d + k] * whitening[static_cast<size_t>(j) * d + i];
  std::fprintf(stderr, "LDA: between/within eigenvalues");
  for (int k = 0; k < d; ++k) std::fprintf(stderr, " %.2f", b_values[k]);
  std::fprintf(stderr, "\n");

  // Projected pieces and class means.
  const int q = dim;
  auto project = [&](const std::vector<double>& x) {
    std::vector<double> y(q, 0.0);
    for (int k = 0; k < q; ++k)
      for (int i = 0; i < d; ++i) y[k] += plda.projection[static_cast<size_t>(k) * d + i] * (x[i] - plda.mean[i]);
    return y;
  };
  std::vector<std::vector<double>> y(corpus.pieces.size());
  for (size_t n = 0; n < corpus.pieces.size(); ++n) y[n] = project(corpus.pieces[n].mean);
  std::vector<std::vector<double>> class_y(corpus.num_classes, std::vector<double>(q, 0.0));
  for (size_t n = 0; n < corpus.pieces.size(); ++n)
    for (int k = 0; k < q; ++k) class_y[corpus.pieces[n].cls][k] += y[n][k] / class_size[corpus.pieces[n].cls];

  // W + F / n by least squares on the deviations, each scaled by m / (m - 1) for the class mean
  // that was estimated from the same pieces: per entry, regress on (1, 1/n).
  double s1 = 0, sx = 0, sxx = 0;
  SquareMatrix sy(static_cast<size_t>(q) * q, 0.0), sxy(static_cast<size_t>(q) * q, 0.0);
  for (size_t n = 0; n < corpus.pieces.size(); ++n) {
    const Piece& p = corpus.pieces[n];
    const int m = class_size[p.cls];
    if (m < 2) continue;
    const double x = 1.0 / p.frames, scale = static_cast<double>(m) / (m - 1);
    s1 += 1;
    sx += x;
    sxx += x * x;
    for (int i = 0; i < q; ++i)
      for (int j = 0; j < q; ++j) {
        const double v = scale * (y[n][i] - class_y[p.cls][i]) * (y[n][j] - class_y[p.cls][j]);
        sy[static_cast<size_t>(i) * q + j] += v;
        sxy[static_cast<size_t>(i) * q + j] += x * v;
      }
  }
  const double det = s1 * sxx - sx * sx;
  SquareMatrix w(static_cast<size_t>(q) * q), f(static_cast<size_t>(q) * q);
  for (size_t i = 0; i < w.size(); ++i) {
    f[i] = (s1 * sxy[i] - sx * sy[i]) / det;
    w[i] = (sy[i] - f[i] * sx) / s1;
  }
  plda.within = clip_eigenvalues(w, q, 1e-3);
  plda.within_per_frame = clip_eigenvalues(f, q, 0.0);

  // B: covariance of the class means minus what their own averaging explains.
  SquareMatrix b(static_cast<size_t>(q) * q, 0.0);
  int classes = 0;
  std::vector<SquareMatrix> noise(corpus.num_classes, SquareMatrix(static_cast<size_t>(q) * q, 0.0));
  for (const Piece& p : corpus.pieces) {
    const double m = class_size[p.cls];
    for (size_t i = 0; i < noise[p.cls].size(); ++i)
      noise[p.cls][i] += (plda.within[i] + plda.within_per_frame[i] / p.frames) / (m * m);
  }
  for (int c = 0; c < corpus.num_classes; ++c) {
    if (class_size[c] == 0) continue;
    for (int i = 0; i < q; ++i)
      for (int j = 0; j < q; ++j)
        b[static_cast<size_t>(i) * q + j] += class_y[c][i] * class_y[c][j] - noise[c][static_cast<size_t>(i) * q + j];
    ++classes;
  }
  for (double& v : b) v /= classes;
  plda.between = clip_eigenvalues(b, q, 1e-3);
  plda.prepare();
  return plda;
}

// Equal error rate of same/different-speaker pairs of pieces within each conversation.
double equal_error_rate(std::vector<double> same, std::vector<double> different) {
  std::sort(same.begin(), same.end());
  std::sort(different.begin(), different.end());
  double best = 1.0;
  size_t j = 0;
  for (size_t i = 0; i < same.size(); ++i) {
    while (j < different.size() && different[j] < same[i]) ++j;
    const double miss = static_cast<double>(i) / same.size(), false_alarm = 1.0 - static_cast<double>(j) / different.size();
    best = std::min(best, std::max(miss, false_alarm));
  }
  return best;
}

void report_validation(const BuiltinPlda& plda, const Corpus& corpus, const char* name) {
  std::map<int, std::vector<size_t>> by_conversation;
  for (size_t n = 0; n < corpus.pieces.size(); ++n) by_conversation[corpus.pieces[n].conversation].push_back(n);
  std::vector<SpeakerEvidence> evidence;
  std::vector<double> score;
  for (const Piece& p : corpus.pieces) {
    GaussianStats g(plda.input_dim);
    g.count = p.frames;
    for (int i = 0; i < plda.input_dim; ++i) g.sum[i] = p.mean[i] * p.frames;
    evidence.push_back(track_evidence(plda, g));
    score.push_back(evidence_score(plda, evidence.back()));
  }
  std::vector<double> same, different, same_cos, different_cos;
  auto cosine = [](const std::vector<double>& a, const std::vector<double>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
    return ab / std::sqrt(aa * bb + 1e-12);
  };
  for (const auto& [conversation, list] : by_conversation)
    for (size_t i = 0; i < list.size(); ++i)
      for (size_t j = i + 1; j < list.size(); ++j) {
        const double llr = merge_log_likelihood_ratio(plda, evidence[list[i]], score[list[i]], evidence[list[j]], score[list[j]]);
        const bool one = corpus.pieces[list[i]].speaker == corpus.pieces[list[j]].speaker;
        (one ? same : different).push_back(llr);
        (one ? same_cos : different_cos).push_back(cosine(corpus.pieces[list[i]].mean, corpus.pieces[list[j]].mean));
      }
  if (same.empty() || different.empty()) return;
  std::printf("%-14s %5zu pieces, %6zu/%7zu same/different pairs: EER %.2f %% (cosine of mean MFCCs %.2f %%)\n", name,
              corpus.pieces.size(), same.size(), different.size(), 100.0 * equal_error_rate(same, different),
              100.0 * equal_error_rate(same_cos, different_cos));
}

std::vector<Speaker> speechocean_speakers(const fs::path& root, int remainder_lo, int remainder_hi) {
  std::vector<Speaker> out;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& dir : dirs) {
    const int number = std::stoi(dir.filename().string().substr(7));  // SPEAKERnnnn
    if (number % 3 < remainder_lo || number % 3 > remainder_hi || number % 3 == 0) continue;
    Speaker s{number, {}};
    for (const auto& c : fs::directory_iterator(dir))
      if (c.path().extension() == ".flac") s.clips.push_back(c.path().string());
    std::sort(s.clips.begin(), s.clips.end());
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Speaker> librispeech_speakers(const fs::path& root) {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  std::vector<Speaker> out;
  for (const fs::path& dir : dirs) {
    Speaker s{100000 + std::stoi(dir.filename().string()), {}};
    for (const auto& c : fs::recursive_directory_iterator(dir))
      if (c.path().extension() == ".flac") s.clips.push_back(c.path().string());
    std::sort(s.clips.begin(), s.clips.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path = "models/builtin/builtin_plda.safetensors";
  int dim = 16;
  bool validate = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--dim" && i + 1 < argc) dim = std::stoi(argv[++i]);
    else if (a == "--validate") validate = true;
    else {
      std::cerr << "usage: train_builtin_plda [--out FILE] [--dim N] [--validate]\n";
      return 2;
    }
  }
  const char* env = std::getenv("DIARIZE_SHARED");
  const fs::path data = fs::path(env && *env ? env : "../shared") / "data";
  try {
    const MfccConfig mfcc;
    if (dim < 1 || dim > mfcc.num_cepstra) throw std::invalid_argument("--dim must be 1.." + std::to_string(mfcc.num_cepstra));
    const std::vector<Speaker> libri = librispeech_speakers(data / "librispeech_test_other");
    std::vector<Speaker> libri_train, libri_check;
    for (size_t i = 0; i < libri.size(); ++i) (validate && i % 2 ? libri_check : libri_train).push_back(libri[i]);
    // Validation trains on remainder 1 only and checks on remainder 2.
    const std::vector<Speaker> so_train = speechocean_speakers(data / "speechocean762_train", 1, validate ? 1 : 2);
    Corpus train_set, check_so, check_libri, check_ami;
    clip_conversations(so_train, 2, 8, 6, 3, 1101, mfcc, train_set);
    clip_conversations(libri_train, 2, 5, 5, validate ? 8 : 4, 1102, mfcc, train_set);
    for (int i = 0; i < 10; ++i) {
      char uri[8];
      std::snprintf(uri, sizeof uri, "trn%02d", i);
      Corpus& target = validate && i % 2 ? check_ami : train_set;
      reference_conversation((data / "ami_excerpts" / (std::string(uri) + ".wav")).string(),
                             (data / "ami_excerpts" / "reference.rttm").string(), uri, 200000 + 10 * i, 1103 + i, mfcc, target);
    }
    std::fprintf(stderr, "training: %zu pieces, %d classes, %d conversations\n", train_set.pieces.size(),
                 train_set.num_classes, train_set.num_conversations);
    const BuiltinPlda plda = train(train_set, mfcc.num_cepstra, dim);
    if (validate) {
      clip_conversations(speechocean_speakers(data / "speechocean762_train", 2, 2), 2, 8, 6, 3, 2101, mfcc, check_so);
      clip_conversations(libri_check, 2, 5, 5, 8, 2102, mfcc, check_libri);
      report_validation(plda, train_set, "training set");
      report_validation(plda, check_so, "speechocean");
      report_validation(plda, check_libri, "librispeech");
      report_validation(plda, check_ami, "ami");
      return 0;
    }
    auto f32 = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
    const int64_t q = plda.dim, d = plda.input_dim;
    std::map<std::string, std::string> metadata = builtin_plda_metadata(mfcc);
    metadata["trained_on"] = std::to_string(train_set.pieces.size()) + " pieces of " +
                             std::to_string(train_set.num_classes) + " (conversation, speaker) classes";
    const std::vector<uint8_t> bytes = serialize_safetensors(
        {TensorData::from_f32("mean", {d}, f32(plda.mean)), TensorData::from_f32("projection", {q, d}, f32(plda.projection)),
         TensorData::from_f32("between", {q, q}, f32(plda.between)), TensorData::from_f32("within", {q, q}, f32(plda.within)),
         TensorData::from_f32("within_per_frame", {q, q}, f32(plda.within_per_frame))},
        metadata);
    fs::create_directories(fs::path(out_path).parent_path().empty() ? "." : fs::path(out_path).parent_path());
    std::ofstream(out_path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    // The reader must accept what was written (and the float32 rounding keeps it usable).
    read_builtin_plda(out_path, mfcc);
    std::printf("%s: %zu bytes, sha256 %s\n", out_path.c_str(), bytes.size(), sha256_hex(bytes.data(), bytes.size()).c_str());
  } catch (const std::exception& e) {
    std::cerr << "train_builtin_plda: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
