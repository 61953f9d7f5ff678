// splitmix64: a small random generator that gives the same sequence on every platform and
// standard library, for the tools that must make the same bytes everywhere (the mixes of
// test/bench/make_mixes.cpp, the training material of tools/train_builtin_plda.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace diarize {

struct SplitMixRandom {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // In [lo, hi), from the top 53 bits.
  double uniform(double lo, double hi) { return lo + (hi - lo) * (next() >> 11) * (1.0 / 9007199254740992.0); }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  // Fisher-Yates, from the back.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }
};

}  // namespace diarize
