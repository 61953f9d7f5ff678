// safetensors reader/writer, on the goldens and on hostile inputs.
#include <catch2/catch.hpp>

#include <cstring>

#include "formats/safetensors.h"
#include "test_support.h"

using namespace diarize;

TEST_CASE("safetensors reads the segmentation goldens", "[safetensors]") {
  const auto file = read_safetensors(test::shared_path("reference/segmentation_sample.safetensors"));
  const TensorData& log_softmax = file.at("log_softmax");
  CHECK(log_softmax.dtype == DType::F32);
  CHECK(log_softmax.shape == std::vector<int64_t>{21, 589, 7});
  CHECK(file.at("chunk_starts").to_f64()[3] == 3.0);
  CHECK(file.at("num_samples").to_i64()[0] == 480000);
  CHECK_THROWS_WITH(file.at("nope"), Catch::Contains("tensor 'nope' is missing"));
}

TEST_CASE("safetensors round-trips tensors and metadata", "[safetensors]") {
  std::vector<TensorData> tensors = {TensorData::from_f32("a.weight", {2, 3}, {1, 2, 3, 4, 5, 6}),
                                     TensorData::from_i64("n", {}, {7})};
  const auto bytes = serialize_safetensors(tensors, {{"format", "pt"}});
  const auto file = parse_safetensors(bytes.data(), bytes.size(), "mem");
  CHECK(file.metadata.at("format") == "pt");
  CHECK(file.at("a.weight").to_f32() == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(file.at("n").to_i64() == std::vector<int64_t>{7});
}

TEST_CASE("safetensors rejects hostile files without allocating their declared sizes", "[safetensors]") {
  auto image = [](const std::string& header, size_t body_bytes) {
    std::vector<uint8_t> b(8 + header.size() + body_bytes, 0);
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(n >> (8 * i));
    std::memcpy(b.data() + 8, header.data(), header.size());
    return b;
  };
  auto error_of = [](const std::vector<uint8_t>& b) {
    try {
      parse_safetensors(b.data(), b.size(), "x");
    } catch (const FormatError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of({1, 2, 3}), Catch::Contains("shorter"));
  std::vector<uint8_t> huge_len(16, 0xff);
  CHECK_THAT(error_of(huge_len), Catch::Contains("exceeds the file"));
  CHECK_THAT(error_of(image("{not json", 0)), Catch::Contains("not JSON"));
  CHECK_THAT(error_of(image(R"({"t":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,4]}})", 4)),
             Catch::Contains("absurd"));
  CHECK_THAT(error_of(image(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,400]}})", 8)),
             Catch::Contains("outside the file"));
  CHECK_THAT(error_of(image(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("8 bytes for shape [3]"));
  CHECK_THAT(error_of(image(R"({"t":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("unsupported dtype"));
  CHECK_THAT(error_of(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8)),
             Catch::Contains("overlap"));
}

#include "formats/sha256.h"

TEST_CASE("sha256 matches FIPS 180-4 vectors and the documented model hash", "[sha256]") {
  CHECK(sha256_hex(nullptr, 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string abc = "abc";
  CHECK(sha256_hex(reinterpret_cast<const uint8_t*>(abc.data()), 3) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(sha256_hex(reinterpret_cast<const uint8_t*>(two_blocks.data()), two_blocks.size()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // models/README.md gives this hash for the int8 segmentation model.
  CHECK(sha256_file_hex(test::shared_path("models/segmentation-3.0.int8.onnx")) ==
        "d582f4b4c6b48205de7e0643c57df0df5615a3c176189be3fc461e9d18827b5d");
}
