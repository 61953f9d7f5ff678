// Model files opened safely (models/formats/mapped_file.h) and recognised without reading their
// weights (TensorPayload::kShapesOnly): special files refused without blocking, oversized files
// refused by their size, every error naming its file.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>

#include "formats/mapped_file.h"
#include "formats/model_recognition.h"
#include "formats/onnx_model.h"
#include "formats/pytorch_checkpoint.h"
#include "formats/safetensors.h"
#include "import/state_dict_reader.h"
#include "models/checkpoint_writer.h"
#include "test_support.h"

using namespace diarize;

namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

// Same names, dtypes and shapes; the shapes-only side copied no stored bytes (ONNX's typed
// fields, a few scalars written as protobuf numbers, are the only values it keeps).
void check_shapes_only(const std::vector<TensorData>& shapes, const std::vector<TensorData>& values) {
  REQUIRE(shapes.size() == values.size());
  size_t kept = 0, total = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    INFO(values[i].name);
    CHECK(shapes[i].name == values[i].name);
    CHECK(shapes[i].dtype == values[i].dtype);
    CHECK(shapes[i].shape == values[i].shape);
    CHECK((shapes[i].bytes.empty() || shapes[i].bytes == values[i].bytes));
    CHECK(values[i].bytes.size() == static_cast<size_t>(values[i].numel()) * dtype_size(values[i].dtype));
    kept += shapes[i].bytes.size();
    total += values[i].bytes.size();
  }
  CHECK(kept * 1000 < total);
}

}  // namespace

TEST_CASE("Recognition parses names and shapes only, in every format", "[model-files]") {
  const MappedFile safetensors(test::shared_path("reference/segmentation_weights.safetensors"));
  check_shapes_only(parse_safetensors(safetensors.data(), safetensors.size(), "s", TensorPayload::kShapesOnly).tensors,
                    parse_safetensors(safetensors.data(), safetensors.size(), "s").tensors);
  const MappedFile onnx(test::shared_path("models/segmentation-3.0.int8.onnx"));
  check_shapes_only(parse_onnx(onnx.data(), onnx.size(), "o", TensorPayload::kShapesOnly).graph.initializers,
                    parse_onnx(onnx.data(), onnx.size(), "o").graph.initializers);
  const auto checkpoint = test::write_lightning_checkpoint(read_safetensors(test::shared_path("reference/segmentation_weights.safetensors")).tensors);
  check_shapes_only(parse_pytorch_checkpoint(checkpoint.data(), checkpoint.size(), "c", TensorPayload::kShapesOnly).tensors,
                    parse_pytorch_checkpoint(checkpoint.data(), checkpoint.size(), "c").tensors);
  // And the description is the same as before: tensor and parameter counts come from shapes.
  const ModelDescription d = recognise_model(test::shared_path("reference/segmentation_weights.safetensors"));
  CHECK(d.role == ModelRole::kSegmentation);
  CHECK(d.parameter_count > 1000000);
}

TEST_CASE("Folders, FIFOs, devices and oversized files are refused as models without reading them", "[model-files]") {
  const std::string dir = test::make_temp_dir();
  const std::string fifo = dir + "/fifo.onnx";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // No writer ever opens the FIFO: reading it would block forever.
  CHECK(error_of([&] { recognise_model(fifo); }) == fifo + ": is a FIFO, not a model file");
  CHECK(error_of([&] { read_model_state_dict(fifo); }) == fifo + ": is a FIFO, not a model file");
  CHECK(error_of([&] { read_binary_file(fifo); }) == fifo + ": is a FIFO, not a model file");
  CHECK(error_of([&] { recognise_model(dir); }) == dir + ": is a folder, not a model file");
  if (::geteuid() == 0) {
    const std::string zero = dir + "/zero.onnx";  // the kernel's zero device, endless
    REQUIRE(::mknod(zero.c_str(), S_IFCHR | 0666, makedev(1, 5)) == 0);
    CHECK(error_of([&] { recognise_model(zero); }) == zero + ": is a character device, not a model file");
  }
  const std::string big = dir + "/big.safetensors";
  { std::ofstream(big) << ""; }
  REQUIRE(::truncate(big.c_str(), (off_t(2) << 30) + 1) == 0);  // sparse: costs no disk
  CHECK(error_of([&] { recognise_model(big); }) ==
        big + ": 2.0 GiB is larger than any model diarize reads (at most 2048 MiB)");
  const std::string empty = dir + "/empty.onnx";
  { std::ofstream(empty) << ""; }
  CHECK(error_of([&] { recognise_model(empty); }) == empty + ": empty file, not a model");
}

TEST_CASE("A truncated safetensors file is reported as one, not as a broken ONNX model", "[model-files]") {
  // This file's header length starts with the byte 0x08, which is also how ONNX files start.
  const std::string source = test::shared_path("reference/wespeaker_resnet34_random.safetensors");
  const std::vector<uint8_t> bytes = read_binary_file(source);
  REQUIRE(bytes[0] == 0x08);
  const std::string dir = test::make_temp_dir();
  const std::string cut = dir + "/cut.safetensors";
  std::ofstream(cut, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), 1000);
  CHECK(error_of([&] { recognise_model(cut); }).rfind(cut + ": not a valid safetensors file: header length ", 0) == 0);
}

TEST_CASE("Every model error names its file once", "[model-files]") {
  CHECK(std::string(with_path("/m/seg.onnx", FormatError("tensor 'w' holds 3 bytes, its shape needs 4")).what()) ==
        "/m/seg.onnx: tensor 'w' holds 3 bytes, its shape needs 4");
  CHECK(std::string(with_path("/m/seg.onnx", FormatError("/m/seg.onnx: not a valid ONNX model: x")).what()) ==
        "/m/seg.onnx: not a valid ONNX model: x");
}

namespace {

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// Overwrites the first value of the first float initializer accepted by `pick` whose stored bytes
// occur exactly once in the file, with `value`.
std::vector<uint8_t> onnx_with_value(const std::string& source, float value,
                                     const std::function<bool(const TensorData&)>& pick) {
  std::vector<uint8_t> bytes = read_binary_file(source);
  const OnnxModel model = parse_onnx(bytes.data(), bytes.size(), source);
  for (const TensorData& t : model.graph.initializers) {
    if (t.dtype != DType::F32 || t.bytes.empty() || !pick(t)) continue;
    const auto at = std::search(bytes.begin(), bytes.end(), t.bytes.begin(), t.bytes.end());
    if (at == bytes.end() || std::search(at + 1, bytes.end(), t.bytes.begin(), t.bytes.end()) != bytes.end()) continue;
    std::memcpy(&*at, &value, sizeof(value));
    return bytes;
  }
  FAIL("no initializer to damage in " << source);
  return {};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST_CASE("A NaN or infinite weight is a model error in every format and role", "[model-files][non-finite]") {
  const std::string dir = test::make_temp_dir();
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::vector<std::string> damaged;

  for (const char* golden : {"reference/segmentation_weights.safetensors", "reference/wespeaker_resnet34_random.safetensors"}) {
    std::vector<TensorData> tensors = read_safetensors(test::shared_path(golden)).tensors;
    for (TensorData& t : tensors)
      if (ends_with(t.name, ".weight") && t.dtype == DType::F32) {
        std::vector<float> values = t.to_f32();
        values[values.size() / 2] = nan;
        t = TensorData::from_f32(t.name, t.shape, values);
        break;
      }
    damaged.push_back(dir + "/" + std::to_string(damaged.size()) + ".safetensors");
    write_file(damaged.back(), serialize_safetensors(tensors));
  }
  {
    std::vector<TensorData> tensors = read_safetensors(test::shared_path("reference/segmentation_weights.safetensors")).tensors;
    std::vector<float> values = tensors.back().to_f32();
    values[0] = -inf;
    tensors.back() = TensorData::from_f32(tensors.back().name, tensors.back().shape, values);
    damaged.push_back(dir + "/inf.bin");
    write_file(damaged.back(), test::write_lightning_checkpoint(tensors));
  }
  const auto any = [](const TensorData& t) { return t.numel() > 100; };
  damaged.push_back(dir + "/fp32.onnx");
  write_file(damaged.back(), onnx_with_value(test::shared_path("reference/segmentation-3.0.fp32.onnx"), nan, any));
  damaged.push_back(dir + "/embedding.onnx");
  write_file(damaged.back(), onnx_with_value(test::shared_path("reference/wespeaker_resnet34_random.onnx"), inf, any));
  // int8: the weights cannot be NaN, their float scale can.
  damaged.push_back(dir + "/int8.onnx");
  write_file(damaged.back(), onnx_with_value(test::shared_path("models/segmentation-3.0.int8.onnx"), nan,
                                             [](const TensorData& t) {
                                               return t.name.find("LSTM_") != std::string::npos && ends_with(t.name, "_scale");
                                             }));

  for (const std::string& path : damaged) {
    INFO(path);
    const std::string error = error_of([&] { read_model_state_dict(path); });
    INFO(error);
    CHECK(error.rfind(path + ": tensor '", 0) == 0);
    CHECK(error.find(" NaN or infinite value") != std::string::npos);
    CHECK(ends_with(error, ": the model file is damaged"));
    // Recognition (model discovery) still works: it reads no weights; loading refuses them.
    CHECK_NOTHROW(recognise_model(path));
  }
}
