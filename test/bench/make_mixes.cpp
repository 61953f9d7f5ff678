// Mixes multi-speaker conversations with exact reference RTTMs, deterministically (fixed seeds),
// for accuracy reports on more speakers than the dev files have. Writes <out>/<uri>.wav (16 kHz
// int16), <uri>.rttm and manifest.txt ("<uri> <wav> <rttm>" lines, the input of builtin_eval).
// Audio goes outside the repository.
//
// Usage: make_mixes SOURCE_DIR OUT_DIR [--set report|tune|so-report|so-tune]
//   From the LibriSpeech clips (SOURCE_DIR = data/librispeech_test_other):
//   report: 2 conversations each of 5, 6 and 7 speakers (reported, never tuned on)
//   tune:   2 conversations each of 2..7 speakers from other seeds (allowed for tuning)
//   From speechocean762 (SOURCE_DIR = data/speechocean762_train), the split of issue #11:
//   so-report: 5 conversations each of 2, 3, 4, 5, 6 and 8 speakers whose number mod 3 = 0
//              (held out: reported, never tuned or trained on)
//   so-tune:   8 conversations each of the same sizes, speakers whose number mod 3 != 0
//
// LibriSpeech: each turn is one utterance cut to 2-8 s (clips are reused when a speaker has
// fewer). speechocean762: each turn is one whole utterance, every utterance of a speaker once
// per conversation (6 turns each), in a shuffled order, so the length follows the speakers'
// audio. Both: turns from a speaker other than the previous one, at an RMS level within +-3 dB
// of the others; the gap to the previous turn is uniform in [-0.6, 1.2] s (negative: the turns
// overlap). The reference turn is the clip without its leading and trailing silence (10 ms
// frames more than 40 dB under the clip's loudest frame).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/speech_extent.h"
#include "pipeline/splitmix_random.h"

namespace fs = std::filesystem;
using namespace diarize;

namespace {

constexpr int kRate = 16000;

using Random = SplitMixRandom;

void write_wav(const std::string& path, const std::vector<float>& x) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  const uint32_t data_bytes = static_cast<uint32_t>(x.size() * 2);
  out.write("RIFF", 4); u32(36 + data_bytes); out.write("WAVE", 4);
  out.write("fmt ", 4); u32(16); u16(1); u16(1); u32(kRate); u32(kRate * 2); u16(2); u16(16);
  out.write("data", 4); u32(data_bytes);
  for (float v : x) {
    const int16_t s = static_cast<int16_t>(std::lrint(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
    out.write(reinterpret_cast<const char*>(&s), 2);
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

double rms(const std::vector<float>& x, size_t a, size_t b) {
  double e = 0;
  for (size_t i = a; i < b; ++i) e += x[i] * x[i];
  return std::sqrt(e / std::max<size_t>(1, b - a));
}

// How the turns of a conversation are cut from the clips.
struct MixStyle {
  int turns_per_speaker = 4;
  // Whole utterances, each once, in a shuffled order (else the clips in order, cut to 2-8 s).
  bool whole_utterances = false;
};

void make_mix(const std::string& uri, const std::vector<std::string>& speakers,
              std::map<std::string, std::vector<std::string>> clips, uint64_t seed, const MixStyle& style,
              const fs::path& out_dir, std::ofstream& manifest) {
  Random rng{seed};
  const int turns_per_speaker = style.turns_per_speaker;
  if (style.whole_utterances)
    for (const std::string& speaker : speakers) {
      std::vector<std::string>& list = clips.at(speaker);
      if (static_cast<int>(list.size()) < turns_per_speaker)
        throw std::runtime_error(speaker + " has fewer than " + std::to_string(turns_per_speaker) + " utterances");
      for (size_t i = list.size(); i > 1; --i) std::swap(list[i - 1], list[rng.below(i)]);
    }
  std::vector<float> mix;
  std::vector<std::string> rttm;
  std::map<std::string, size_t> next_clip;
  int previous = -1;
  double last_end_s = 0.5;  // leading silence
  const int num_turns = turns_per_speaker * static_cast<int>(speakers.size());
  // Every speaker gets the same number of turns, in a shuffled order without immediate repeats.
  std::vector<int> order;
  for (int t = 0; t < turns_per_speaker; ++t)
    for (size_t k = 0; k < speakers.size(); ++k) order.push_back(static_cast<int>(k));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  for (size_t i = 1; i < order.size(); ++i)
    if (order[i] == order[i - 1])
      for (size_t j = i + 1; j < order.size(); ++j)
        if (order[j] != order[i - 1] && (j + 1 >= order.size() || order[j + 1] != order[i]) && order[j - 1] != order[i]) {
          std::swap(order[i], order[j]);
          break;
        }
  for (int turn = 0; turn < num_turns; ++turn) {
    const int k = order[turn];
    const std::string& speaker = speakers[k];
    const auto& list = clips.at(speaker);
    const std::string& clip = list[next_clip[speaker]++ % list.size()];
    std::vector<float> audio = decode_audio(clip).samples;
    auto [first, last] = speech_extent(audio, kRate);
    if (!style.whole_utterances) {
      const double length_s = rng.uniform(2.0, 8.0);
      last = std::min(last, first + static_cast<size_t>(length_s * kRate));
    }
    // Cut at a quiet point is not attempted: the reference ends exactly where the audio ends.
    const double gain = std::pow(10.0, rng.uniform(-3.0, 3.0) / 20.0) * 0.05 / std::max(1e-6, rms(audio, first, last));
    const double gap_s = turn == 0 ? 0.0 : rng.uniform(-0.6, 1.2);
    double start_s = std::max(0.0, last_end_s + gap_s);
    if (previous == k) start_s = last_end_s + 0.5;
    const size_t offset = static_cast<size_t>(std::lround(start_s * kRate));
    if (mix.size() < offset + (last - first)) mix.resize(offset + (last - first), 0.0f);
    for (size_t i = first; i < last; ++i) mix[offset + i - first] += static_cast<float>(gain * audio[i]);
    // The trimmed cut may still start or end on a quiet frame; re-measure on what was placed.
    std::vector<float> placed(audio.begin() + first, audio.begin() + last);
    auto [a, b] = speech_extent(placed, kRate);
    const double onset_s = (offset + a) / static_cast<double>(kRate);
    const double duration_s = (b - a) / static_cast<double>(kRate);
    char line[256];
    std::snprintf(line, sizeof line, "SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>", uri.c_str(), onset_s,
                  duration_s, speaker.c_str());
    rttm.push_back(line);
    last_end_s = (offset + (last - first)) / static_cast<double>(kRate);
    previous = k;
  }
  mix.resize(mix.size() + kRate / 2, 0.0f);
  const float peak = *std::max_element(mix.begin(), mix.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
  if (std::fabs(peak) > 0.99f)
    for (float& v : mix) v *= 0.99f / std::fabs(peak);
  const fs::path wav = out_dir / (uri + ".wav"), ref = out_dir / (uri + ".rttm");
  write_wav(wav.string(), mix);
  std::ofstream r(ref);
  for (const auto& l : rttm) r << l << "\n";
  manifest << uri << " " << fs::absolute(wav).string() << " " << fs::absolute(ref).string() << "\n";
  std::printf("%s: %zu speakers, %.1f s, %d turns\n", uri.c_str(), speakers.size(), mix.size() / double(kRate), num_turns);
}

// Speaker of a clip: LibriSpeech names clips SPEAKER-CHAPTER-UTT.flac, speechocean762 keeps each
// speaker's clips in a SPEAKERnnnn folder.
std::string speaker_of(const fs::path& clip, bool speechocean) {
  if (speechocean) return clip.parent_path().filename().string();
  const std::string name = clip.filename().string();
  return name.substr(0, name.find('-'));
}

// The number in "SPEAKER0123".
int speaker_number(const std::string& speaker) {
  size_t i = 0;
  while (i < speaker.size() && !std::isdigit(static_cast<unsigned char>(speaker[i]))) ++i;
  return std::stoi(speaker.substr(i));
}

struct MixSet {
  std::vector<int> sizes;
  int conversations_per_size;
  uint64_t base_seed;
  const char* prefix;
  MixStyle style;
  bool speechocean;
  int held_out;  // speechocean: -1 keeps speakers whose number mod 3 != 0, 1 those with mod 3 == 0
};

MixSet mix_set(const std::string& name) {
  if (name == "report") return {{5, 6, 7}, 2, 1000, "mix", {4, false}, false, 0};
  if (name == "tune") return {{2, 3, 4, 5, 6, 7}, 2, 5000, "tune", {4, false}, false, 0};
  if (name == "so-report") return {{2, 3, 4, 5, 6, 8}, 5, 7000, "so", {6, true}, true, 1};
  if (name == "so-tune") return {{2, 3, 4, 5, 6, 8}, 8, 9000, "sotune", {6, true}, true, -1};
  throw std::invalid_argument("--set must be report, tune, so-report or so-tune");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_mixes SOURCE_DIR OUT_DIR [--set report|tune|so-report|so-tune]\n";
    return 2;
  }
  const fs::path source = argv[1], out_dir = argv[2];
  try {
    const MixSet set = mix_set(argc >= 5 && std::string(argv[3]) == "--set" ? argv[4] : "report");
    std::map<std::string, std::vector<std::string>> clips;
    for (const auto& entry : fs::recursive_directory_iterator(source))
      if (entry.path().extension() == ".flac") clips[speaker_of(entry.path(), set.speechocean)].push_back(entry.path().string());
    for (auto& [speaker, list] : clips) std::sort(list.begin(), list.end());
    std::vector<std::string> all;
    for (const auto& [speaker, list] : clips) {
      if (set.speechocean && (speaker_number(speaker) % 3 == 0) != (set.held_out > 0)) continue;
      all.push_back(speaker);
    }
    const int largest = *std::max_element(set.sizes.begin(), set.sizes.end());
    if (static_cast<int>(all.size()) < largest) {
      std::cerr << "make_mixes: need clips of at least " << largest << " speakers in " << source << "\n";
      return 1;
    }
    fs::create_directories(out_dir);
    std::ofstream manifest(out_dir / "manifest.txt");
    for (int n : set.sizes) {
      for (int variant = 0; variant < set.conversations_per_size; ++variant) {
        Random pick{set.base_seed + 10 * n + variant};
        std::vector<std::string> speakers = all;
        for (size_t i = speakers.size(); i > 1; --i) std::swap(speakers[i - 1], speakers[pick.below(i)]);
        speakers.resize(n);
        std::sort(speakers.begin(), speakers.end());
        char uri[64];
        std::snprintf(uri, sizeof uri, "%s_%dspk_%c", set.prefix, n, 'a' + variant);
        make_mix(uri, speakers, clips, pick.next(), set.style, out_dir, manifest);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "make_mixes: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
