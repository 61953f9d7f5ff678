// A transcription of numpy's aquicksort_/aheapsort_ (numpy/core/src/npysort/quicksort.cpp,
// heapsort.cpp): median-of-3 quicksort down to partitions of at most 16 elements, insertion sort below,
// heapsort when the depth limit 2*floor(log2 n) runs out.
#include "pipeline/numpy_argsort.h"

#include <cstddef>
#include <utility>

namespace diarize {

namespace {

constexpr int64_t kSmallQuicksort = 15;  // numpy SMALL_QUICKSORT: partitions of <= 16 elements

// numpy's float ordering: NaNs go to the end.
template <typename T>
bool less(T a, T b) {
  return a < b || (b != b && a == a);
}

// Moves a[i]'s replacement `tmp` down the 1-based heap a[1..n] (numpy's inner heapsort loop).
template <typename T>
void sift_down(const T* v, int64_t* a, int64_t i, int64_t n, int64_t tmp) {
  for (int64_t j = i << 1; j <= n;) {
    if (j < n && less(v[a[j]], v[a[j + 1]])) j += 1;
    if (less(v[tmp], v[a[j]])) {
      a[i] = a[j];
      i = j;
      j += j;
    } else {
      break;
    }
  }
  a[i] = tmp;
}

template <typename T>
void argheapsort(const T* v, int64_t* tosort, int64_t n) {
  int64_t* a = tosort - 1;  // 1-based heap indexing, as numpy
  for (int64_t l = n >> 1; l > 0; --l) sift_down(v, a, l, n, a[l]);
  for (; n > 1;) {
    const int64_t tmp = a[n];
    a[n] = a[1];
    n -= 1;
    sift_down(v, a, 1, n, tmp);
  }
}

int most_significant_bit(uint64_t value) {
  int depth = 0;
  while (value >>= 1) depth++;
  return depth;
}

template <typename T>
std::vector<int64_t> argsort(const T* v, int64_t num) {
  std::vector<int64_t> order(static_cast<size_t>(num > 0 ? num : 0));
  for (int64_t i = 0; i < num; ++i) order[static_cast<size_t>(i)] = i;
  if (num < 2) return order;

  int64_t* pl = order.data();
  int64_t* pr = order.data() + num - 1;
  std::vector<int64_t*> stack;
  std::vector<int> depth_stack;
  int cdepth = most_significant_bit(static_cast<uint64_t>(num)) * 2;

  for (;;) {
    if (cdepth < 0) {
      argheapsort(v, pl, pr - pl + 1);
    } else {
      while ((pr - pl) > kSmallQuicksort) {
        int64_t* pm = pl + ((pr - pl) >> 1);
        if (less(v[*pm], v[*pl])) std::swap(*pm, *pl);
        if (less(v[*pr], v[*pm])) std::swap(*pr, *pm);
        if (less(v[*pm], v[*pl])) std::swap(*pm, *pl);
        const T vp = v[*pm];
        int64_t* pi = pl;
        int64_t* pj = pr - 1;
        std::swap(*pm, *pj);
        for (;;) {
          do ++pi;
          while (less(v[*pi], vp));
          do --pj;
          while (less(vp, v[*pj]));
          if (pi >= pj) break;
          std::swap(*pi, *pj);
        }
        int64_t* pk = pr - 1;
        std::swap(*pi, *pk);
        // Push the larger partition, continue with the smaller one.
        if (pi - pl < pr - pi) {
          stack.push_back(pi + 1);
          stack.push_back(pr);
          pr = pi - 1;
        } else {
          stack.push_back(pl);
          stack.push_back(pi - 1);
          pl = pi + 1;
        }
        depth_stack.push_back(--cdepth);
      }
      // Insertion sort (stable) of the small partition.
      for (int64_t* pi = pl + 1; pi <= pr; ++pi) {
        const int64_t vi = *pi;
        const T vp = v[vi];
        int64_t* pj = pi;
        int64_t* pk = pi - 1;
        while (pj > pl && less(vp, v[*pk])) *pj-- = *pk--;
        *pj = vi;
      }
    }
    if (stack.empty()) break;
    pr = stack.back();
    stack.pop_back();
    pl = stack.back();
    stack.pop_back();
    cdepth = depth_stack.back();
    depth_stack.pop_back();
  }
  return order;
}

}  // namespace

std::vector<int64_t> numpy_argsort(const float* values, int64_t count) { return argsort(values, count); }
std::vector<int64_t> numpy_argsort(const double* values, int64_t count) { return argsort(values, count); }

}  // namespace diarize
