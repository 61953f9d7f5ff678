// A stand-in engine module for the isolation tests (libdiarize_test_engine.so, selected with
// DIARIZE_ENGINE_MODULE). It computes a real, deterministic answer from the audio: windows of
// 0.1 s whose RMS exceeds -34 dBFS are speech, consecutive ones form turns of one speaker.
// Environment knobs let tests exercise the device logic without a GPU:
//   DIARIZE_TEST_ENGINE_DEVICES   devices it claims, in auto order (default "cpu"), e.g. "cuda,cpu"
//   DIARIZE_TEST_ENGINE_FAIL_ON   a device whose every diarize() is an accelerator error
//   DIARIZE_TEST_ENGINE_DELAY_MS  sleep per progress step (slow runs for signal tests)
//   DIARIZE_TEST_ENGINE_START_DELAY_MS  sleep while the engine is created (a slow start, as
//                                 LibTorch and the models give on a cold machine)
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "engine/engine_api.h"
#include "errors.h"

namespace {

using namespace diarize;

constexpr size_t kWindowSamples = 1600;      // 0.1 s at 16 kHz
constexpr double kSpeechRms = 0.02;          // about -34 dBFS
constexpr int kProgressSteps = 10;

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

class EnergyEngine : public Engine {
 public:
  explicit EnergyEngine(const EngineConfig& config) : config_(config) {}

  EngineResult diarize(const float* samples, size_t count, const JobOptions& options,
                       const ProgressCallback& progress) override {
    const auto start = std::chrono::steady_clock::now();
    if (config_.device == env_or("DIARIZE_TEST_ENGINE_FAIL_ON", "")) 
      throw std::runtime_error("accelerator: CUDA error: out of memory (simulated by the test engine)");
    if (count < kWindowSamples) throw InputError("audio is shorter than 0.1 s");
    const int delay_ms = std::atoi(env_or("DIARIZE_TEST_ENGINE_DELAY_MS", "0").c_str());

    const size_t windows = count / kWindowSamples;
    EngineResult result;
    result.diarization.labels = {"SPEAKER_00"};
    double energy_sum = 0.0;
    bool in_turn = false;
    size_t step = (windows + kProgressSteps - 1) / kProgressSteps;
    if (progress) progress({"energy", 0, static_cast<int64_t>(windows)});
    for (size_t w = 0; w < windows; ++w) {
      double sum = 0.0;
      for (size_t i = 0; i < kWindowSamples; ++i) {
        const double x = samples[w * kWindowSamples + i];
        sum += x * x;
      }
      const double rms = std::sqrt(sum / kWindowSamples);
      energy_sum += rms;
      const bool speech = rms > kSpeechRms;
      const double t = static_cast<double>(w * kWindowSamples) / 16000.0;
      if (speech && !in_turn) result.diarization.turns.push_back({t, t, 0});
      if (speech) result.diarization.turns.back().end_s = t + 0.1;
      in_turn = speech;
      if (progress && ((w + 1) % step == 0 || w + 1 == windows)) {
        if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        progress({"energy", static_cast<int64_t>(w + 1), static_cast<int64_t>(windows)});
      }
    }
    if (result.diarization.turns.empty()) result.diarization.labels.clear();
    // One speaker, so its turns never overlap: the exclusive diarization is the regular one.
    result.diarization.exclusive_turns = result.diarization.turns;
    if (options.return_centroids && !result.diarization.labels.empty())
      result.diarization.centroids = {{static_cast<float>(energy_sum / static_cast<double>(windows)), 1.0f}};
    result.embedding = "test-energy";
    result.timings_s["energy"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }

  std::string device() const override { return config_.device; }

 private:
  EngineConfig config_;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) std::string diarize_available_devices() {
  return env_or("DIARIZE_TEST_ENGINE_DEVICES", "cpu");
}

extern "C" __attribute__((visibility("default"))) diarize::Engine* diarize_create_engine(const diarize::EngineConfig& config) {
  struct stat st {};
  if (!config.segmentation_path.empty() && ::stat(config.segmentation_path.c_str(), &st) != 0)
    throw diarize::ModelError("segmentation model " + config.segmentation_path + " not found");
  const int start_delay_ms = std::atoi(env_or("DIARIZE_TEST_ENGINE_START_DELAY_MS", "0").c_str());
  if (start_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(start_delay_ms));
  return new EnergyEngine(config);
}
