// Shard selection by a hash of the output name (see shard.h).
#include "output/shard.h"

#include <limits>

#include "errors.h"
#include "output/output_naming.h"

namespace diarize {

namespace {

// Digits only: no sign, no blanks, no base prefix (what strtoull would quietly accept).
bool parse_decimal(const std::string& text, uint64_t& value) {
  if (text.empty()) return false;
  value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  return true;
}

}  // namespace

uint64_t fnv1a_64(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t shard_of(const std::string& output_stem, uint64_t count) {
  return fnv1a_64(output_stem) % count + 1;
}

std::vector<size_t> inputs_in_shard(const std::vector<InputItem>& items, const ShardSpec& shard) {
  std::vector<size_t> selected;
  for (size_t i = 0; i < items.size(); ++i)
    if (shard_of(output_relative_stem(items[i]), shard.count) == shard.index) selected.push_back(i);
  return selected;
}

ShardSpec parse_shard_spec(const std::string& text) {
  const std::string usage = "--shard " + text + ": ";
  const size_t slash = text.find('/');
  ShardSpec spec;
  if (slash == std::string::npos || !parse_decimal(text.substr(0, slash), spec.index) ||
      !parse_decimal(text.substr(slash + 1), spec.count))
    throw UsageError(usage + "expected K/N with whole numbers, 1 <= K <= N (e.g. 1/3)");
  if (spec.count == 0) throw UsageError(usage + "N must be at least 1");
  if (spec.index < 1 || spec.index > spec.count) throw UsageError(usage + "K must be between 1 and N (shards count from 1)");
  return spec;
}

}  // namespace diarize
