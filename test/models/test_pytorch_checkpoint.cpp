// PyTorch checkpoints end to end, on checkpoints built by the test-only writer the way Lightning
// and torch.save build them (no real pyannote checkpoint is available here).
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>

#include "formats/pytorch_checkpoint.h"
#include "models/checkpoint_writer.h"
#include "test_support.h"

using namespace diarize;

namespace {

TensorData raw_tensor(const std::string& name, DType dtype, std::vector<int64_t> shape, uint8_t seed) {
  TensorData t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(static_cast<size_t>(t.numel()) * dtype_size(dtype));
  for (size_t i = 0; i < t.bytes.size(); ++i) t.bytes[i] = static_cast<uint8_t>(seed + 13 * i);
  if (dtype == DType::BOOL)
    for (auto& b : t.bytes) b &= 1;
  return t;
}

std::vector<TensorData> sample_state_dict() {
  return {TensorData::from_f32("sincnet.wav_norm1d.weight", {1}, {0.5f}),
          TensorData::from_f32("linear.0.weight", {2, 3}, {1, 2, 3, 4, 5, 6}),
          TensorData::from_i64("sincnet.norm1d.0.num_batches_tracked", {}, {1234}),
          TensorData::from_f64("plda.mu", {2}, {0.25, -1e300}),
          raw_tensor("half", DType::F16, {4}, 1),
          raw_tensor("bf16", DType::BF16, {2, 2}, 2),
          raw_tensor("i32", DType::I32, {3}, 3),
          raw_tensor("i16", DType::I16, {3}, 4),
          raw_tensor("i8", DType::I8, {5}, 5),
          raw_tensor("u8", DType::U8, {2, 1, 3}, 6),
          raw_tensor("mask", DType::BOOL, {3}, 7),
          raw_tensor("a.b.c.d.e", DType::F32, {1, 2, 1, 2, 1}, 8),
          raw_tensor("empty", DType::F32, {0, 4}, 9)};
}

void check_same(const std::vector<TensorData>& got, const std::vector<TensorData>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(want[i].name);
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].dtype == want[i].dtype);
    CHECK(got[i].shape == want[i].shape);
    CHECK(got[i].bytes == want[i].bytes);  // bit-exact: the reader only copies bytes
  }
}

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    parse_pytorch_checkpoint(bytes.data(), bytes.size(), "ckpt");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("checkpoint reader round-trips a Lightning-style pyannote checkpoint", "[checkpoint]") {
  const auto state_dict = sample_state_dict();
  const auto bytes = test::write_lightning_checkpoint(state_dict);
  const PyTorchCheckpoint ckpt = parse_pytorch_checkpoint(bytes.data(), bytes.size(), "ckpt");
  check_same(ckpt.tensors, state_dict);
  CHECK(ckpt.find("linear.0.weight")->to_f32() == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(ckpt.metadata.at("epoch") == "3");
  CHECK(ckpt.metadata.at("global_step") == "123456");
  CHECK(ckpt.metadata.at("pytorch-lightning_version") == "1.9.5");
  CHECK(ckpt.metadata.at("pyannote.audio/versions/pyannote.audio") == "3.1.0");
  CHECK(ckpt.metadata.at("pyannote.audio/versions/torch") == "1.13.1");
  CHECK(ckpt.metadata.at("pyannote.audio/architecture/module") == "pyannote.audio.models.segmentation.PyanNet");
  CHECK(ckpt.metadata.at("pyannote.audio/architecture/class") == "PyanNet");
  CHECK(ckpt.metadata.at("pyannote.audio/specifications") == "object pyannote.audio.core.task.Specifications");
  CHECK(ckpt.metadata.at("pyannote.audio/specifications/duration") == "10.0");
  CHECK(ckpt.metadata.at("pyannote.audio/specifications/powerset_max_classes") == "2");
  CHECK(ckpt.metadata.at("pyannote.audio/specifications/permutation_invariant") == "True");
  CHECK(ckpt.metadata.at("pyannote.audio/specifications/problem") == "object pyannote.audio.core.task.Problem");
  CHECK(ckpt.metadata.count("hyper_parameters") == 0);  // containers are not flattened outside pyannote.audio
}

TEST_CASE("checkpoint reader exposes the placeholder objects of the pickle", "[checkpoint]") {
  const auto state_dict = sample_state_dict();
  const auto pickle = test::lightning_pickle(state_dict, {});
  const auto storages = test::storages_of(state_dict);
  const PickleValue root = parse_pickle(
      pickle.data(), pickle.size(),
      [&](const std::string& key) { return ByteView{storages.at(key).data(), storages.at(key).size()}; }, "p");
  const PickleValue* spec = root.get("pyannote.audio")->get("specifications");
  REQUIRE(spec);
  CHECK(spec->kind == PickleValue::Kind::Object);
  CHECK(spec->get("problem")->text == "pyannote.audio.core.task.Problem");
  CHECK(spec->get("problem")->items.at(0).integer == 1);  // Problem(1), as REDUCE(Problem, (1,))
  CHECK(spec->get("classes")->items.at(2).text == "speaker#3");
  CHECK(spec->get("warm_up")->kind == PickleValue::Kind::Tuple);
  CHECK(spec->get("min_duration")->kind == PickleValue::Kind::None);
  CHECK(root.get("hyper_parameters")->get("lstm")->get("dropout")->real == 0.5);
}

TEST_CASE("checkpoint reader accepts a plain state_dict, any archive name, ZIP64 and files on disk", "[checkpoint]") {
  const auto state_dict = sample_state_dict();
  test::LightningOptions options;
  options.plain_state_dict = true;
  options.archive = "pytorch_model";
  const auto bytes = test::write_lightning_checkpoint(state_dict, options, {/*zip64=*/true, /*align_64=*/false});
  const std::string path = test::make_temp_dir() + "/pytorch_model.bin";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  const PyTorchCheckpoint ckpt = read_pytorch_checkpoint(path);
  check_same(ckpt.tensors, state_dict);
  CHECK(ckpt.metadata.empty());
}

TEST_CASE("checkpoint reader keeps hostile globals inert", "[checkpoint]") {
  const std::string marker = test::make_temp_dir() + "/pwned";
  test::LightningOptions options;
  options.hostile_calls = {{"os.system", "touch " + marker}, {"builtins.exec", "open('" + marker + "','w')"}};
  const auto bytes = test::write_lightning_checkpoint(sample_state_dict(), options);
  const PyTorchCheckpoint ckpt = parse_pytorch_checkpoint(bytes.data(), bytes.size(), "ckpt");
  CHECK(ckpt.tensors.size() == sample_state_dict().size());
  CHECK(ckpt.metadata.at("call:os.system") == "object os.system");
  CHECK(ckpt.metadata.at("call:builtins.exec") == "object builtins.exec");
  CHECK_FALSE(std::ifstream(marker).good());
}

TEST_CASE("checkpoint reader rejects malformed checkpoints with one clear line", "[checkpoint]") {
  const auto state_dict = sample_state_dict();
  const auto good = test::write_lightning_checkpoint(state_dict);
  CHECK(error_of(good) == "no error");
  CHECK_THAT(error_of({'G', 'I', 'F', '8'}), Catch::Contains("no zip signature"));
  CHECK_THAT(error_of({0x80, 0x02, 0x8a, 0x0a}), Catch::Contains("legacy (PyTorch < 1.6)"));
  CHECK_THAT(error_of(std::vector<uint8_t>(good.begin(), good.end() - 30)), Catch::Contains("not a valid zip"));

  const auto pickle = test::lightning_pickle(state_dict, {});
  auto storages = test::storages_of(state_dict);
  storages.erase("3");
  CHECK_THAT(error_of(test::write_zip(test::torch_records("archive", pickle, storages))),
             Catch::Contains("storage '3' is missing (no archive/data/3)"));
  storages = test::storages_of(state_dict);
  storages["1"].pop_back();
  CHECK_THAT(error_of(test::write_zip(test::torch_records("archive", pickle, storages))),
             Catch::Contains("storage '1' has 23 bytes, not 6 F32 elements"));

  auto records = test::torch_records("archive", pickle, test::storages_of(state_dict));
  records.erase(records.begin());
  CHECK_THAT(error_of(test::write_zip(records)), Catch::Contains("no <archive>/data.pkl"));
  records = test::torch_records("archive", pickle, test::storages_of(state_dict));
  records[1].bytes = {'b', 'i', 'g'};
  CHECK_THAT(error_of(test::write_zip(records)), Catch::Contains("big-endian"));

  test::PickleWriter w;  // a top-level list
  w.empty_list();
  w.stop();
  CHECK_THAT(error_of(test::write_zip(test::torch_records("archive", w.bytes, {}))),
             Catch::Contains("holds a list, not a dict"));
  test::PickleWriter d;  // a dict that is neither a checkpoint nor a state_dict
  d.empty_dict();
  d.string("model");
  d.integer(1);
  d.op('s');
  d.stop();
  CHECK_THAT(error_of(test::write_zip(test::torch_records("archive", d.bytes, {}))),
             Catch::Contains("neither a 'state_dict' entry nor a plain state_dict"));
  CHECK_THAT(error_of(test::write_zip(test::torch_records("archive", test::lightning_pickle({}, {}), {}))),
             Catch::Contains("holds no tensors"));
}
