// --shard's hash, selection and parsing (core/output/shard.h). The example shard numbers were
// computed independently (a few lines of python3 implementing FNV-1a 64 from its definition) and
// are the ones docs/cli.md lists.
#include <catch2/catch.hpp>

#include "errors.h"
#include "output/shard.h"

using namespace diarize;

TEST_CASE("fnv1a_64 matches the published FNV-1a 64 values", "[output][shard]") {
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ull);  // the offset basis: no bytes hashed
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cull);  // the FNV reference test vector
  CHECK(fnv1a_64("meetings/2024/a") == 0xed9c10ad9dbfc1e4ull);
}

TEST_CASE("The documented example stems fall in the documented shards of 3", "[output][shard]") {
  CHECK(shard_of("meetings/2024/c", 3) == 1);      // 0xed9c12ad9dbfc54a % 3 == 0
  CHECK(shard_of("meetings/2024/a", 3) == 2);      // 0xed9c10ad9dbfc1e4 % 3 == 1
  CHECK(shard_of("podcasts/episode-01", 3) == 3);  // 0x1f0274d867cbbd5a % 3 == 2
  CHECK(shard_of("podcasts/episode-01", 1) == 1);
}

TEST_CASE("--shard K/N is parsed strictly", "[output][shard]") {
  const ShardSpec spec = parse_shard_spec("2/3");
  CHECK(spec.index == 2);
  CHECK(spec.count == 3);
  CHECK(parse_shard_spec("1/1").count == 1);
  CHECK(parse_shard_spec("18446744073709551615/18446744073709551615").index == 18446744073709551615ull);
  for (const char* bad : {"0/3", "4/3", "a/b", "1/0", "1/", "/3", "-1/3", "+1/3", "1/3x", " 1/3", "1/ 3", "1/3/3",
                          "", "/", "3", "1/18446744073709551616", "0x1/3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_shard_spec(bad), UsageError);
  }
  CHECK_THROWS_WITH(parse_shard_spec("4/3"), Catch::Contains("--shard 4/3:"));
}
