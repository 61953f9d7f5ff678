// numpy's legacy np.random.RandomState (MT19937) for the draws scikit-learn's KMeans makes with
// random_state=42: randint(n) and random_sample(). Bit for bit, so that k-means++ picks the same
// seeds as upstream (the KMeans label numbering becomes the SPEAKER_xx numbering).
#pragma once

#include <cstdint>
#include <random>

namespace diarize {

class LegacyRandomState {
 public:
  // RandomState(seed) with an integer seed: MT19937's init_genrand, which std::mt19937 shares.
  explicit LegacyRandomState(uint32_t seed) : engine_(seed) {}

  // RandomState.randint(high) for 0 < high <= 2^32: masked rejection sampling on 32-bit draws
  // (the legacy stream, not Lemire's method), values in [0, high).
  int64_t randint(int64_t high);

  // RandomState.random_sample() (= uniform(0, 1)): 53 bits from two 32-bit draws, in [0, 1).
  double random_sample();

 private:
  std::mt19937 engine_;
};

}  // namespace diarize
