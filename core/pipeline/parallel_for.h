// Splits a range of independent rows over a few std::threads (the clustering runs after the
// networks, when the child's cores are otherwise idle). Each row is processed by exactly one
// thread, so results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace diarize {

// fn(begin, end) over consecutive slices of [0, count); runs inline for one thread or few rows.
template <typename Fn>
void parallel_for_rows(int64_t count, int threads, int64_t min_rows_per_thread, Fn fn) {
  const int64_t workers =
      std::max<int64_t>(1, std::min<int64_t>(threads, count / std::max<int64_t>(min_rows_per_thread, 1)));
  if (workers <= 1) {
    fn(int64_t(0), count);
    return;
  }
  std::vector<std::thread> pool;
  for (int64_t w = 0; w < workers; ++w)
    pool.emplace_back(fn, count * w / workers, count * (w + 1) / workers);
  for (std::thread& t : pool) t.join();
}

}  // namespace diarize
