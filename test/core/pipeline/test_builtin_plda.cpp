// The built-in embedding's PLDA: the shipped parameter file, the checks on reading one, and the
// Bayes factor's behaviour on synthetic voices.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>

#include "formats/safetensors.h"
#include "pipeline/builtin_plda.h"
#include "synthetic_plda.h"
#include "test_support.h"

using namespace diarize;

namespace {

// Frames of one synthetic voice: unit noise around `mean` on axis 0.
GaussianStats voice(double mean, int frames, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 1.0f);
  GaussianStats s(4);
  std::vector<float> x(4);
  for (int t = 0; t < frames; ++t) {
    for (float& v : x) v = noise(rng);
    x[0] += static_cast<float>(mean);
    s.add(x.data());
  }
  return s;
}

double llr(const BuiltinPlda& plda, const GaussianStats& a, const GaussianStats& b) {
  const SpeakerEvidence ea = track_evidence(plda, a), eb = track_evidence(plda, b);
  return merge_log_likelihood_ratio(plda, ea, evidence_score(plda, ea), eb, evidence_score(plda, eb));
}

// A copy of the shipped file with one tensor or metadata entry replaced.
std::string altered_copy(const std::string& dir, const std::string& tensor, double value,
                         const std::pair<std::string, std::string>& metadata = {}) {
  SafetensorsFile file = read_safetensors(test::builtin_parameters_path());
  std::vector<TensorData> tensors;
  for (TensorData t : file.tensors) {
    if (t.name == tensor) {
      std::vector<float> v = t.to_f32();
      v[0] = static_cast<float>(value);
      t = TensorData::from_f32(t.name, t.shape, v);
    }
    tensors.push_back(std::move(t));
  }
  if (!metadata.first.empty()) file.metadata[metadata.first] = metadata.second;
  const std::vector<uint8_t> bytes = serialize_safetensors(tensors, file.metadata);
  const std::string path = dir + "/altered.safetensors";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace

TEST_CASE("the shipped parameters load, fit the MFCCs and stay under 2 MB", "[builtin][plda]") {
  const std::string path = test::builtin_parameters_path();
  const BuiltinPlda plda = read_builtin_plda(path, MfccConfig{});
  CHECK(plda.input_dim == MfccConfig{}.num_cepstra);
  CHECK(plda.dim >= 1);
  CHECK(plda.dim <= plda.input_dim);
  CHECK(std::ifstream(path, std::ios::binary | std::ios::ate).tellg() < 2 * 1024 * 1024);
}

TEST_CASE("a parameter file that is not finite, not ours or not for these features is refused", "[builtin][plda]") {
  const std::string dir = test::make_temp_dir();
  auto refused = [](const std::string& path, const std::string& why) {
    try {
      read_builtin_plda(path, MfccConfig{});
      FAIL("accepted " << path);
    } catch (const std::runtime_error& e) {
      CHECK_THAT(e.what(), Catch::Contains(path) && Catch::Contains(why));
    }
  };
  refused(altered_copy(dir, "between", std::nan("")), "not finite");
  refused(altered_copy(dir, "projection", std::numeric_limits<double>::infinity()), "not finite");
  refused(altered_copy(dir, "within", -1e6), "positive definite");
  refused(altered_copy(dir, "", 0.0, {"format", "something/else"}), "not a diarize.builtin_plda/1 file");
  refused(altered_copy(dir, "", 0.0, {"num_cepstra", "13"}), "trained for num_cepstra 13");
  refused(dir + "/missing.safetensors", "missing.safetensors");
}

TEST_CASE("the Bayes factor says one voice or two, and grows with the evidence", "[builtin][plda]") {
  const BuiltinPlda plda = test::synthetic_plda(4);
  std::mt19937 rng(3);
  const GaussianStats a1 = voice(0.0, 300, rng), a2 = voice(0.0, 300, rng), b = voice(4.0, 300, rng);
  CHECK(llr(plda, a1, a2) > 0.0);
  CHECK(llr(plda, a1, b) < 0.0);
  // 0.3 s of the other voice is weaker evidence than 3 s of it.
  const GaussianStats b_short = voice(4.0, 30, rng);
  CHECK(llr(plda, a1, b_short) > llr(plda, a1, b));
  // No frames: no evidence either way.
  CHECK(llr(plda, a1, GaussianStats(4)) == Approx(0.0).margin(1e-9));
}
