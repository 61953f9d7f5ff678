// `diarize models info / convert` through the real binary, and model discovery's choices.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "audio_fixtures.h"
#include "formats/safetensors.h"
#include "formats/zip_archive.h"
#include "models/checkpoint_writer.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::string diarize_cmd() { return "'" + test::binary_dir() + "/diarize'"; }

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

}  // namespace

TEST_CASE("models info recognises each format by content", "[cli][models]") {
  struct Case {
    const char* file;
    const char* role;
    const char* format;
  };
  const Case cases[] = {
      {"models/segmentation-3.0.int8.onnx", "segmentation", "ONNX int8"},
      {"reference/segmentation-3.0.fp32.onnx", "segmentation", "ONNX fp32"},
      {"reference/segmentation_weights.safetensors", "segmentation", "safetensors"},
      {"reference/wespeaker_resnet34_random.safetensors", "embedding", "safetensors"},
      {"reference/wespeaker_resnet34_random.onnx", "embedding", "ONNX fp32"},
      {"models/plda/xvec_transform.npz", "plda", "NumPy npz"},
      {"models/plda/plda.npz", "plda", "NumPy npz"},
  };
  for (const Case& c : cases) {
    const auto r = test::run_command(diarize_cmd() + " models info '" + test::shared_path(c.file) + "'");
    INFO(c.file << ": " << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(std::string("role:          ") + c.role));
    CHECK_THAT(r.out, Catch::Contains(std::string("format:        ") + c.format));
  }
  const auto bad = test::run_command(diarize_cmd() + " models info '" + test::shared_path("data/pyannote_sample/sample.wav") + "'");
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err, Catch::Contains("not a model file diarize knows"));
}

TEST_CASE("a malformed PLDA file is one line and exit 3", "[cli][models][npz]") {
  // The shared plda.npz with one psi value made negative (the archive is stored, so the bytes are
  // patched in place and the CRC fixed up by rewriting the zip).
  const std::string dir = test::make_temp_dir();
  const std::vector<uint8_t> original = read_binary_file(test::shared_path("models/plda/plda.npz"));
  const ZipArchive zip(original.data(), original.size(), "plda.npz");
  std::vector<test::ZipRecord> records;
  for (const ZipEntry& e : zip.entries()) {
    const ByteView v = zip.read(e);
    test::ZipRecord r;
    r.name = e.name;
    r.bytes.assign(v.data, v.data + v.size);
    if (e.name == "psi.npy") r.bytes[r.bytes.size() - 1] |= 0x80;  // sign bit of the last float64
    records.push_back(std::move(r));
  }
  write_bytes(dir + "/plda.npz", test::write_zip(records));
  const auto r = test::run_command(diarize_cmd() + " models info '" + dir + "/plda.npz'");
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("psi[127]"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("a pyannote-style PyTorch checkpoint is recognised and converts bit for bit", "[cli][models]") {
  // No real pytorch_model.bin can be had here: this one is built like Lightning saves pyannote's
  // (state_dict plus pyannote.audio metadata objects), from the reference weights.
  const std::string dir = test::make_temp_dir();
  const SafetensorsFile reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  write_bytes(dir + "/pytorch_model.bin", test::write_lightning_checkpoint(reference.tensors));

  const auto info = test::run_command(diarize_cmd() + " models info '" + dir + "/pytorch_model.bin'");
  INFO(info.err);
  CHECK(info.exit_code == 0);
  CHECK_THAT(info.out, Catch::Contains("PyTorch checkpoint"));
  CHECK_THAT(info.out, Catch::Contains("PyanNet"));

  const auto convert = test::run_command(diarize_cmd() + " models convert '" + dir + "/pytorch_model.bin' '" + dir +
                                         "/seg.safetensors'");
  INFO(convert.err);
  REQUIRE(convert.exit_code == 0);
  const SafetensorsFile converted = read_safetensors(dir + "/seg.safetensors");
  REQUIRE(converted.tensors.size() == reference.tensors.size());
  for (const TensorData& t : reference.tensors) {
    INFO(t.name);
    CHECK(converted.at(t.name).bytes == t.bytes);
    CHECK(converted.at(t.name).shape == t.shape);
  }
  CHECK(converted.metadata.at("diarize.role") == "segmentation");
}

TEST_CASE("ONNX models convert to the reference state dict", "[cli][models]") {
  const std::string dir = test::make_temp_dir();
  const auto r = test::run_command(diarize_cmd() + " models convert '" +
                                   test::shared_path("models/segmentation-3.0.int8.onnx") + "' '" + dir + "/s.safetensors'");
  REQUIRE(r.exit_code == 0);
  const SafetensorsFile converted = read_safetensors(dir + "/s.safetensors");
  const SafetensorsFile reference = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  for (const TensorData& t : reference.tensors) {
    INFO(t.name);
    CHECK(converted.at(t.name).bytes == t.bytes);  // the goldens' weights are this dequantisation
  }
}

TEST_CASE("discovery prefers safetensors, then ONNX fp32, then int8, whatever the names", "[cli][models]") {
  const std::string dir = test::make_temp_dir();
  const std::string models = dir + "/models";
  REQUIRE(std::system(("mkdir -p '" + models + "'").c_str()) == 0);
  auto link = [&](const char* shared, const char* name) {
    REQUIRE(std::system(("ln -s '" + test::shared_path(shared) + "' '" + models + "/" + name + "'").c_str()) == 0);
  };
  link("models/segmentation-3.0.int8.onnx", "a.onnx");
  link("reference/segmentation-3.0.fp32.onnx", "b.onnx");
  const std::string audio = dir + "/silence.wav";
  test::write_silence(audio, 16000, 1.0);
  const auto fp32 = test::run_command(diarize_cmd() + " -v --models '" + models + "' '" + audio + "'");
  INFO(fp32.err);
  CHECK(fp32.exit_code == 0);
  CHECK_THAT(fp32.err, Catch::Contains("segmentation: " + models + "/b.onnx (ONNX fp32"));
  link("reference/segmentation_weights.safetensors", "zzz.bin.safetensors");
  link("reference/wespeaker_resnet34_random.onnx", "c.onnx");
  const auto best = test::run_command(diarize_cmd() + " -v --models '" + models + "' '" + audio + "'");
  INFO(best.err);
  CHECK(best.exit_code == 0);
  CHECK_THAT(best.err, Catch::Contains("segmentation: " + models + "/zzz.bin.safetensors (safetensors"));
  CHECK_THAT(best.err, Catch::Contains("embedding: " + models + "/c.onnx (ONNX fp32"));
}
