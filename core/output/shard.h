// --shard K/N: which inputs one of N workers takes. An input belongs to shard
// 1 + FNV-1a-64(its output-relative stem) mod N, where the stem is the path its output gets below
// `-o DIR/` without the format's extension ("meetings/2024/a"; output/output_naming.h). The rule
// needs nothing but the input's name, so every machine agrees, the shards are disjoint and
// complete, an input keeps its shard when others are added, and `-f json` and `-f rttm` runs
// shard alike (docs/cli.md, "Input lists and shards").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "output/input_discovery.h"

namespace diarize {

struct ShardSpec {
  uint64_t index = 1;  // K, 1-based
  uint64_t count = 1;  // N
};

// FNV-1a 64 over the bytes of `text` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t fnv1a_64(const std::string& text);

// The 1-based shard of an output-relative stem among `count` shards.
uint64_t shard_of(const std::string& output_stem, uint64_t count);

// The indices (in order) of the `items` that belong to `shard`.
std::vector<size_t> inputs_in_shard(const std::vector<InputItem>& items, const ShardSpec& shard);

// Parses "K/N" strictly: decimal digits only on both sides, 1 <= K <= N, no overflow. Throws
// UsageError with one line naming the value otherwise.
ShardSpec parse_shard_spec(const std::string& text);

}  // namespace diarize
