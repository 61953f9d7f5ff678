// .npy / .npz reading and the community-1 PLDA checks: the shared PLDA files (stored entries), a
// deflated copy built here with zlib (np.savez_compressed's layout), and every refusal.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <string>

#include "formats/model_recognition.h"
#include "formats/numpy_file.h"
#include "formats/plda_file.h"
#include "formats/safetensors.h"
#include "formats/zip_archive.h"
#include "models/checkpoint_writer.h"
#include "models/npy_writer.h"
#include "test_support.h"

using namespace diarize;
using Catch::Matchers::Contains;
using diarize::test::bytes_of;
using diarize::test::make_npy;

namespace {

// Raw deflate (no zlib header), as zip method 8 stores it.
std::vector<uint8_t> deflate_raw(const std::vector<uint8_t>& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::vector<uint8_t> out(deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::vector<uint8_t> npz(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& arrays, bool deflated) {
  std::vector<test::ZipRecord> records;
  for (const auto& [name, npy] : arrays) {
    test::ZipRecord r;
    r.name = name + ".npy";
    r.bytes = npy;
    if (deflated) {
      r.method = 8;
      r.packed = deflate_raw(npy);
    }
    records.push_back(std::move(r));
  }
  test::ZipWriteOptions options;
  options.align_64 = false;
  return test::write_zip(records, options);
}

std::string write_temp(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = test::make_temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// The shared file's entries, re-packed (deflated or stored) by this test.
std::vector<uint8_t> repack(const std::string& path, bool deflated) {
  const std::vector<uint8_t> original = read_binary_file(path);
  const ZipArchive zip(original.data(), original.size(), path);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> arrays;
  for (const ZipEntry& e : zip.entries()) {
    const ByteView v = zip.read(e);
    arrays.emplace_back(e.name.substr(0, e.name.size() - 4), std::vector<uint8_t>(v.data, v.data + v.size));
  }
  return npz(arrays, deflated);
}

std::vector<uint8_t> plda_model_npz(const std::vector<double>& psi, bool deflated = false) {
  std::vector<double> mu(128, 0.0), tr(128 * 128, 0.0);
  for (int i = 0; i < 128; ++i) tr[static_cast<size_t>(i * 129)] = 1.0;
  return npz({{"mu", make_npy("<f8", "(128,)", bytes_of(mu))},
              {"tr", make_npy("<f8", "(128, 128)", bytes_of(tr))},
              {"psi", make_npy("<f8", "(128,)", bytes_of(psi))}},
             deflated);
}

std::string parse_error(const std::vector<uint8_t>& bytes) {
  try {
    check_plda_part(parse_npz(bytes.data(), bytes.size(), "t.npz"), "t.npz");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("npz: the shared PLDA files (stored entries) read and check", "[npz][plda]") {
  const std::string dir = test::shared_path("models/plda");
  const std::vector<TensorData> transform = read_npz(dir + "/xvec_transform.npz");
  REQUIRE(transform.size() == 3);
  CHECK(transform[0].name == "mean1");
  CHECK(transform[0].dtype == DType::F64);
  CHECK(transform[1].dtype == DType::F32);
  CHECK(transform[2].shape == std::vector<int64_t>{256, 128});
  CHECK(check_plda_part(transform, "x") == PldaPart::kTransform);
  const PldaModel plda = read_plda(dir + "/xvec_transform.npz", dir + "/plda.npz");
  CHECK(plda.lda.size() == 256u * 128u);
  CHECK(plda.psi.size() == 128u);
  const ModelDescription d = recognise_model(dir + "/plda.npz");
  CHECK(d.role == ModelRole::kPlda);
  CHECK(d.format == ModelFormat::kNumpyZip);
  CHECK(d.parameter_count == 128 + 128 * 128 + 128);
  CHECK_THAT(d.architecture, Contains("plda.npz"));
}

TEST_CASE("npz: deflated entries (np.savez_compressed) give the same PLDA", "[npz][plda]") {
  const std::string dir = test::shared_path("models/plda");
  const std::vector<uint8_t> deflated = repack(dir + "/xvec_transform.npz", true);
  const std::vector<uint8_t> stored = repack(dir + "/xvec_transform.npz", false);
  REQUIRE(deflated.size() < stored.size());  // really compressed
  const std::string transform = write_temp("xvec_transform.npz", deflated);
  const std::string model = write_temp("plda.npz", repack(dir + "/plda.npz", true));
  const PldaModel a = read_plda(transform, model);
  const PldaModel b = read_plda(dir + "/xvec_transform.npz", dir + "/plda.npz");
  CHECK(a.mean1 == b.mean1);
  CHECK(a.mean2 == b.mean2);
  CHECK(a.lda == b.lda);
  CHECK(a.mu == b.mu);
  CHECK(a.tr == b.tr);
  CHECK(a.psi == b.psi);
  // Swapped files are named as such.
  CHECK_THROWS_WITH(read_plda(model, transform), Contains("holds the PLDA model"));
}

TEST_CASE("npy: header versions 1, 2 and 3; float32 and float64", "[npz]") {
  const std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 5.0f, 6.0f};
  for (const int version : {1, 2, 3}) {
    const std::vector<uint8_t> npy = make_npy("<f4", "(2, 3)", bytes_of(f), version);
    const TensorData t = parse_npy(npy.data(), npy.size(), "a", "t");
    CHECK(t.dtype == DType::F32);
    CHECK(t.shape == std::vector<int64_t>{2, 3});
    CHECK(t.to_f32() == f);
  }
  const std::vector<double> d = {0.25};
  const std::vector<uint8_t> scalar = make_npy("<f8", "()", bytes_of(d));
  CHECK(parse_npy(scalar.data(), scalar.size(), "s", "t").to_f64() == d);
}

TEST_CASE("npy/npz: malformed or unsupported arrays are refused with a reason", "[npz]") {
  const std::vector<uint8_t> four = bytes_of(std::vector<float>{1, 2, 3, 4});
  auto npy_error = [](const std::vector<uint8_t>& npy) {
    try {
      parse_npy(npy.data(), npy.size(), "a", "t.npz");
    } catch (const FormatError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(npy_error(make_npy(">f4", "(4,)", four)), Contains("big-endian"));
  CHECK_THAT(npy_error(make_npy("<f4", "(2, 2)", four, 1, "True")), Contains("Fortran"));
  CHECK_THAT(npy_error(make_npy("|O", "(4,)", four)), Contains("object"));
  CHECK_THAT(npy_error(make_npy("<i8", "(2,)", four)), Contains("not supported"));
  CHECK_THAT(npy_error(make_npy("<f4", "(5,)", four)), Contains("needs 20"));
  CHECK_THAT(npy_error(make_npy("<f4", "(4, -1)", four)), Contains("shape"));
  CHECK_THAT(npy_error(make_npy("<f4", "(4,)", four, 4)), Contains("version 4"));
  std::vector<uint8_t> truncated = make_npy("<f4", "(4,)", four);
  truncated.resize(40);
  CHECK_THAT(npy_error(truncated), Contains("header"));

  // A .npz entry that is not an array, and deflate streams that lie about their size.
  const std::vector<uint8_t> npy = make_npy("<f4", "(4,)", four);
  std::vector<test::ZipRecord> records(1);
  records[0].name = "notes.txt";
  records[0].bytes = {'h', 'i'};
  std::vector<uint8_t> zip = test::write_zip(records);
  CHECK_THROWS_WITH(parse_npz(zip.data(), zip.size(), "t.npz"), Contains("not a .npy array"));
  records[0].name = "a.npy";
  records[0].bytes = npy;
  records[0].method = 8;
  records[0].packed = deflate_raw(npy);
  records[0].packed.resize(records[0].packed.size() / 2);  // truncated stream
  zip = test::write_zip(records);
  CHECK_THROWS_WITH(parse_npz(zip.data(), zip.size(), "t.npz"), Contains("not a valid deflate stream"));
  std::vector<uint8_t> longer = npy;
  longer.insert(longer.end(), 64, 0);
  records[0].packed = deflate_raw(longer);  // inflates to more than the declared npy size
  zip = test::write_zip(records);
  CHECK_THROWS_WITH(parse_npz(zip.data(), zip.size(), "t.npz"), Contains("more than its declared"));
  records[0].method = 12;  // bzip2
  zip = test::write_zip(records);
  CHECK_THROWS_WITH(parse_npz(zip.data(), zip.size(), "t.npz"), Contains("method 12"));
}

TEST_CASE("PLDA: names, shapes, finite values and psi > 0 are checked", "[npz][plda]") {
  std::vector<double> psi(128, 1.0);
  CHECK(parse_error(plda_model_npz(psi)).empty());
  CHECK(parse_error(plda_model_npz(psi, true)).empty());
  psi[7] = 0.0;
  CHECK_THAT(parse_error(plda_model_npz(psi)), Contains("psi[7]"));
  psi[7] = -1.0;
  CHECK_THAT(parse_error(plda_model_npz(psi)), Contains("not positive"));
  psi[7] = NAN;
  CHECK_THAT(parse_error(plda_model_npz(psi)), Contains("non-finite value at index 7"));
  psi[7] = INFINITY;
  CHECK_THAT(parse_error(plda_model_npz(psi)), Contains("non-finite"));

  const std::vector<double> vec128(128, 0.5);
  CHECK_THAT(parse_error(npz({{"mu", make_npy("<f8", "(128,)", bytes_of(vec128))},
                              {"psi", make_npy("<f8", "(128,)", bytes_of(vec128))}},
                             false)),
             Contains("'tr' is missing"));
  CHECK_THAT(parse_error(npz({{"mu", make_npy("<f8", "(64, 2)", bytes_of(vec128))},
                              {"tr", make_npy("<f8", "(128,)", bytes_of(vec128))},
                              {"psi", make_npy("<f8", "(128,)", bytes_of(vec128))}},
                             false)),
             Contains("shape [64,2], expected [128]"));
  CHECK_THAT(parse_error(npz({{"weights", make_npy("<f8", "(128,)", bytes_of(vec128))}}, false)),
             Contains("neither a PLDA x-vector transform"));
  const std::vector<double> lda(256 * 128, 0.1), mean1(256, 0.0);
  CHECK_THAT(parse_error(npz({{"mean1", make_npy("<f8", "(256,)", bytes_of(mean1))},
                              {"mean2", make_npy("<f8", "(128,)", bytes_of(vec128))},
                              {"lda", make_npy("<f8", "(256, 128)", bytes_of(lda))},
                              {"extra", make_npy("<f8", "(128,)", bytes_of(vec128))}},
                             false)),
             Contains("unexpected array 'extra'"));
}
