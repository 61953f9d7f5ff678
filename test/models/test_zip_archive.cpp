// Zip reader: torch-style stored archives (with and without ZIP64) and broken or hostile ones.
#include <catch2/catch.hpp>

#include "formats/zip_archive.h"
#include "formats/tensor_data.h"
#include "models/checkpoint_writer.h"

using namespace diarize;

namespace {

std::string error_of(const std::vector<uint8_t>& bytes, const std::string& entry = "a/x") {
  try {
    const ZipArchive zip(bytes.data(), bytes.size(), "z");
    zip.read(entry);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

const std::vector<test::ZipRecord> kRecords = {{"a/x", {1, 2, 3, 4, 5}}, {"a/y", {}}, {"a/z", std::vector<uint8_t>(300, 7)}};

}  // namespace

TEST_CASE("zip reader finds stored entries, aligned or not, with or without ZIP64", "[zip]") {
  for (bool zip64 : {false, true}) {
    for (bool align : {false, true}) {
      const auto bytes = test::write_zip(kRecords, {zip64, align});
      const ZipArchive zip(bytes.data(), bytes.size(), "z");
      REQUIRE(zip.entries().size() == 3);
      const ByteView x = zip.read("a/x");
      CHECK(std::vector<uint8_t>(x.data, x.data + x.size) == kRecords[0].bytes);
      CHECK(zip.read("a/y").size == 0);
      const ByteView z = zip.read("a/z");
      CHECK(std::vector<uint8_t>(z.data, z.data + z.size) == kRecords[2].bytes);
      if (align) CHECK((z.data - bytes.data()) % 64 == 0);
    }
  }
  CHECK(zip_crc32(reinterpret_cast<const uint8_t*>("123456789"), 9) == 0xcbf43926u);  // the standard check value
}

TEST_CASE("zip reader rejects broken and hostile archives", "[zip]") {
  const auto good = test::write_zip(kRecords);
  CHECK_THAT(error_of({}), Catch::Contains("too short"));
  CHECK_THAT(error_of(std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2)),
             Catch::Contains("no end-of-central-directory"));
  CHECK_THAT(error_of(good, "a/nope"), Catch::Contains("'a/nope' is missing"));

  auto bad = good;
  const size_t eocd = bad.size() - 22;
  bad[eocd + 16] = 0xf0;  // central directory offset beyond the file
  CHECK_THAT(error_of(bad), Catch::Contains("central directory lies outside"));
  bad = good;
  bad[eocd + 8] = bad[eocd + 10] = 0xff;  // 65279 entries claimed
  bad[eocd + 9] = bad[eocd + 11] = 0xfe;
  CHECK_THAT(error_of(bad), Catch::Contains("cannot fit"));

  // A central entry whose local header offset points past the data.
  bad = good;
  const size_t cd = good.size() - 22 - (3 * 46 + 9);
  bad[cd + 42 + 3] = 0x7f;
  CHECK_THAT(error_of(bad), Catch::Contains("header outside the file"));

  auto records = kRecords;
  records[0].corrupt_crc = true;
  CHECK_THAT(error_of(test::write_zip(records)), Catch::Contains("CRC-32"));
  records = kRecords;
  records[0].method = 8;
  CHECK_THAT(error_of(test::write_zip(records)), Catch::Contains("compressed (method 8)"));
  records = kRecords;
  records.push_back(records[0]);
  CHECK_THAT(error_of(test::write_zip(records)), Catch::Contains("appears twice"));

  // ZIP64 marker without a locator.
  bad = good;
  for (int i = 12; i < 20; ++i) bad[eocd + i] = 0xff;
  CHECK_THAT(error_of(bad), Catch::Contains("ZIP64 values without a ZIP64 locator"));
  // ZIP64 record with an absurd directory size.
  bad = test::write_zip(kRecords, {true, true});
  const size_t record = bad.size() - 22 - 20 - 56;
  bad[record + 40 + 7] = 0x7f;
  CHECK_THAT(error_of(bad), Catch::Contains("central directory lies outside"));
}
