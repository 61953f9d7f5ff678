// numpy 1.24 random/_legacy: mt19937 draws, bounded integers and doubles.
#include "pipeline/numpy_random.h"

#include <stdexcept>

namespace diarize {

int64_t LegacyRandomState::randint(int64_t high) {
  if (high <= 0 || high > (int64_t(1) << 32)) throw std::invalid_argument("randint: high must be in (0, 2^32]");
  const uint64_t range = static_cast<uint64_t>(high - 1);  // numpy draws in the closed [0, high - 1]
  if (range == 0) return 0;                                // no draw at all
  if (range == 0xffffffffu) return static_cast<int64_t>(engine_());
  // The smallest all-ones mask covering the range; draws above the range are rejected.
  uint32_t mask = static_cast<uint32_t>(range);
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value = 0;
  do {
    value = static_cast<uint32_t>(engine_()) & mask;
  } while (value > range);
  return static_cast<int64_t>(value);
}

double LegacyRandomState::random_sample() {
  const uint32_t a = static_cast<uint32_t>(engine_()) >> 5;
  const uint32_t b = static_cast<uint32_t>(engine_()) >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

}  // namespace diarize
