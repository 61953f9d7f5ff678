// Kaldi fbank and CMN against the upstream torchaudio goldens (reference/README.md §3).
#include "models/torch_test_util.h"  // first: see the note on CHECK there

#include "formats/safetensors.h"
#include "nets/fbank.h"
#include "nets/torch_threads.h"
#include "test_support.h"

using namespace diarize;

TEST_CASE("fbank frame count follows snip_edges=True", "[fbank]") {
  CHECK(fbank_num_frames(160000) == 998);
  CHECK(fbank_num_frames(400) == 1);
  CHECK(fbank_num_frames(559) == 1);
  CHECK(fbank_num_frames(560) == 2);
  CHECK(fbank_num_frames(399) == 0);
}

TEST_CASE("fbank and CMN match torchaudio's kaldi.fbank on the sample crops", "[fbank]") {
  configure_torch_threads(0);
  const auto golden = read_safetensors(test::shared_path("reference/fbank_embedding_sample.safetensors"));
  const at::Tensor waveforms = test::to_tensor(golden.at("waveforms"));
  const at::Tensor fbank_raw = test::to_tensor(golden.at("fbank_raw"));
  const at::Tensor fbank_cmn = test::to_tensor(golden.at("fbank_cmn"));

  c10::InferenceMode inference;
  const at::Tensor raw = compute_fbank(waveforms);
  REQUIRE(raw.sizes() == fbank_raw.sizes());
  // 2e-3 absolute on log energies: the same float32 operations as torchaudio, but the FFT and the mel
  // matmul may sum in a different order. Measured on Debian's LibTorch 1.13: 1.9e-6 for both.
  const double raw_error = test::max_abs_diff(raw, fbank_raw);
  CAPTURE(raw_error);
  CHECK(raw_error < 2e-3);

  const at::Tensor normalised = cmn(raw);
  const double cmn_error = test::max_abs_diff(normalised, fbank_cmn);
  CAPTURE(cmn_error);
  CHECK(cmn_error < 2e-3);
  // CMN of the golden raw fbank isolates the mean subtraction from the fbank itself (float32 rounding only).
  CHECK(test::max_abs_diff(cmn(fbank_raw), fbank_cmn) < 1e-4);
}

TEST_CASE("fbank rejects inputs it cannot frame", "[fbank]") {
  CHECK_THROWS_WITH(compute_fbank(at::zeros({2, 399})), Catch::Contains("shorter than one 400-sample window"));
  CHECK_THROWS_WITH(compute_fbank(at::zeros({400})), Catch::Contains("[batch, samples]"));
  CHECK_THROWS_WITH(cmn(at::zeros({4, 80})), Catch::Contains("[batch, frames, bins]"));
  FbankConfig bad;
  bad.low_freq_hz = 9000.0;
  CHECK_THROWS_WITH(KaldiFbank(bad), Catch::Contains("low_freq_hz"));
}

TEST_CASE("fbank mel filters are Kaldi's triangles", "[fbank]") {
  const KaldiFbank fbank;
  const at::Tensor filters = fbank.mel_filters();
  REQUIRE(filters.sizes() == at::IntArrayRef({80, 257}));
  // Every filter is a triangle that peaks below 1, and the DC and Nyquist bins carry no weight
  // (20 Hz low edge, Nyquist column padded with 0).
  CHECK(filters.select(1, 0).abs().max().item<float>() == 0.0f);
  CHECK(filters.select(1, 256).abs().max().item<float>() == 0.0f);
  CHECK(filters.max().item<float>() <= 1.0f);
  CHECK(filters.sum(1).min().item<float>() > 0.0f);
}
