// Which pipeline runs (--pipeline, the PLDA's discovery, the community-1 download layout), what -v
// says about it and what JSON reports, through the real binary on one second of silence (the
// choice is made before any audio is looked at; silence keeps the runs short). Discovery is
// isolated from the machine's own models folders by HOME and XDG_DATA_HOME.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>

#include "audio_fixtures.h"
#include "formats/safetensors.h"
#include "models/checkpoint_writer.h"
#include "models/npy_writer.h"
#include "test_support.h"

using namespace diarize;

namespace {

struct Fixture {
  std::string dir = test::make_temp_dir();
  std::string audio = dir + "/silence.wav";
  Fixture() { test::write_silence(audio, 16000, 1.0); }

  // diarize with discovery limited to `arguments` (no $DIARIZE_MODELS, an empty home).
  test::CommandResult run(const std::string& arguments) const {
    return test::run_command("env -u DIARIZE_MODELS HOME='" + dir + "' XDG_DATA_HOME='" + dir + "/data' '" +
                             test::binary_dir() + "/diarize' " + arguments + " '" + audio + "'");
  }
  void mkdir(const std::string& relative) const {
    REQUIRE(std::system(("mkdir -p '" + dir + "/" + relative + "'").c_str()) == 0);
  }
  void link(const std::string& shared, const std::string& relative) const {
    REQUIRE(std::system(("ln -s '" + test::shared_path(shared) + "' '" + dir + "/" + relative + "'").c_str()) == 0);
  }
};

std::string flag(const char* name, const std::string& shared) { return std::string(name) + " '" + test::shared_path(shared) + "' "; }

const std::string kSegmentation = flag("--segmentation", "models/segmentation-3.0.int8.onnx");
const std::string kEmbedding = flag("--embedding", "reference/wespeaker_resnet34_random.onnx");

}  // namespace

TEST_CASE("community-1 runs by default with an embedding model and a PLDA; --pipeline 3.1 overrides",
          "[cli][pipeline-choice]") {
  const Fixture f;
  const std::string plda = flag("--plda", "models/plda");
  const auto c1 = f.run("-v -f json " + kSegmentation + kEmbedding + plda);
  INFO(c1.err);
  REQUIRE(c1.exit_code == 0);
  CHECK_THAT(c1.err, Catch::Contains("diarize: pipeline: community-1 (an embedding model and a PLDA were found)"));
  CHECK_THAT(c1.err, Catch::Contains("plda.npz (--plda)"));
  CHECK_THAT(c1.out, Catch::Contains("\"pipeline\":\"community-1\""));

  const auto pinned = f.run("-v -f json --pipeline 3.1 " + kSegmentation + kEmbedding + plda);
  INFO(pinned.err);
  REQUIRE(pinned.exit_code == 0);
  CHECK_THAT(pinned.err, Catch::Contains("diarize: pipeline: 3.1 (--pipeline 3.1)"));
  CHECK_THAT(pinned.err, !Catch::Contains("plda:"));  // not even looked for
  CHECK_THAT(pinned.out, Catch::Contains("\"pipeline\":\"3.1\""));

  const auto builtin = f.run("-v -f json " + kSegmentation + "--embedding builtin " + plda);
  INFO(builtin.err);
  REQUIRE(builtin.exit_code == 0);
  CHECK_THAT(builtin.err, Catch::Contains("diarize: pipeline: builtin"));
  CHECK_THAT(builtin.out, Catch::Contains("\"pipeline\":\"builtin\""));
}

TEST_CASE("without a PLDA the default is 3.1, and --pipeline community-1 is a model error", "[cli][pipeline-choice]") {
  const Fixture f;
  const auto fallback = f.run("-v -f json " + kSegmentation + kEmbedding);
  INFO(fallback.err);
  REQUIRE(fallback.exit_code == 0);
  CHECK_THAT(fallback.err, Catch::Contains("diarize: pipeline: 3.1 (no PLDA found"));
  CHECK_THAT(fallback.err, Catch::Contains(f.dir + "/data/diarize/models/plda"));
  CHECK_THAT(fallback.out, Catch::Contains("\"pipeline\":\"3.1\""));

  const auto wanted = f.run("--pipeline community-1 " + kSegmentation + kEmbedding);
  CHECK(wanted.exit_code == 3);
  CHECK_THAT(wanted.err, Catch::StartsWith("diarize: --pipeline community-1: no PLDA found"));
  CHECK(wanted.out.empty());
}

TEST_CASE("--pipeline community-1 with the built-in embedding is a usage error", "[cli][pipeline-choice]") {
  const Fixture f;
  const auto r = f.run("--pipeline community-1 --embedding builtin " + kSegmentation + flag("--plda", "models/plda"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--pipeline community-1 needs a speaker-embedding model"));
  const auto bad = f.run("--pipeline 4.0 " + kSegmentation);
  CHECK(bad.exit_code == 2);
}

TEST_CASE("half a PLDA is exit 3 naming the missing file", "[cli][pipeline-choice]") {
  const Fixture f;
  f.mkdir("half");
  f.link("models/plda/xvec_transform.npz", "half/transform.npz");
  const auto given = f.run("--plda '" + f.dir + "/half' " + kSegmentation + kEmbedding);
  CHECK(given.exit_code == 3);
  CHECK_THAT(given.err, Catch::Contains("incomplete PLDA in " + f.dir + "/half"));
  CHECK_THAT(given.err, Catch::Contains("but no plda.npz"));

  // The same half found by discovery, in the user's models folder.
  f.mkdir("data/diarize/models/plda");
  f.link("models/plda/plda.npz", "data/diarize/models/plda/model.npz");
  const auto found = f.run(kSegmentation + kEmbedding);
  CHECK(found.exit_code == 3);
  CHECK_THAT(found.err, Catch::Contains("but no xvec_transform.npz"));
  // ...which does not matter when the PLDA cannot be used.
  CHECK(f.run("--pipeline 3.1 " + kSegmentation + kEmbedding).exit_code == 0);
  CHECK(f.run("--embedding builtin " + kSegmentation).exit_code == 0);
}

TEST_CASE("a malformed PLDA file is exit 3 with its reason, before any audio is read", "[cli][pipeline-choice]") {
  const Fixture f;
  f.mkdir("bad");
  f.link("models/plda/xvec_transform.npz", "bad/xvec_transform.npz");
  // plda.npz with one NaN in psi: every other check passes.
  std::vector<double> psi(128, 1.0);
  psi[3] = NAN;
  std::vector<test::ZipRecord> records(3);
  records[0].name = "mu.npy";
  records[0].bytes = test::make_npy("<f8", "(128,)", test::bytes_of(std::vector<double>(128, 0.0)));
  records[1].name = "tr.npy";
  records[1].bytes = test::make_npy("<f8", "(128, 128)", test::bytes_of(std::vector<double>(128 * 128, 0.5)));
  records[2].name = "psi.npy";
  records[2].bytes = test::make_npy("<f8", "(128,)", test::bytes_of(psi));
  const std::vector<uint8_t> zip = test::write_zip(records);
  std::ofstream(f.dir + "/bad/plda.npz", std::ios::binary)
      .write(reinterpret_cast<const char*>(zip.data()), static_cast<std::streamsize>(zip.size()));
  const auto r = f.run("--plda '" + f.dir + "/bad' " + kSegmentation + kEmbedding);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("plda.npz"));
  CHECK_THAT(r.err, Catch::Contains("non-finite value at index 3"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("a folder laid out like the community-1 download works as --models DIR", "[cli][pipeline-choice]") {
  const Fixture f;
  // config.yaml (ignored), segmentation/, embedding/, plda/ as pyannote publishes them.
  f.mkdir("community-1/segmentation");
  f.mkdir("community-1/embedding");
  f.mkdir("community-1/plda");
  REQUIRE(std::system(("echo 'pipeline: {}' > '" + f.dir + "/community-1/config.yaml'").c_str()) == 0);
  // pytorch_model.bin files written the way Lightning saves pyannote's (no real one can be had here).
  for (const auto& [shared, role] : {std::pair<const char*, const char*>{"reference/segmentation_weights.safetensors", "segmentation"},
                                     {"reference/wespeaker_resnet34_random.safetensors", "embedding"}}) {
    const std::vector<uint8_t> bin = test::write_lightning_checkpoint(read_safetensors(test::shared_path(shared)).tensors);
    std::ofstream(f.dir + "/community-1/" + role + "/pytorch_model.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
  }
  f.link("models/plda/xvec_transform.npz", "community-1/plda/xvec_transform.npz");
  f.link("models/plda/plda.npz", "community-1/plda/plda.npz");
  const std::string models = f.dir + "/community-1";
  const auto r = f.run("-v -f json --models '" + models + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("segmentation: " + models + "/segmentation/pytorch_model.bin (PyTorch checkpoint"));
  CHECK_THAT(r.err, Catch::Contains("embedding: " + models + "/embedding/pytorch_model.bin (PyTorch checkpoint"));
  CHECK_THAT(r.err, Catch::Contains("(found in " + models + "/plda)"));
  CHECK_THAT(r.out, Catch::Contains("\"pipeline\":\"community-1\""));
}
