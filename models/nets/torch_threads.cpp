// Thread-count policy for LibTorch.
#include "nets/torch_threads.h"

#include <ATen/Parallel.h>
#include <unistd.h>

namespace diarize {

int configure_torch_threads(int threads) {
  if (threads <= 0) {
    const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
    threads = cores > 0 ? static_cast<int>(cores) : 1;
  }
  at::set_num_threads(threads);
  return at::get_num_threads();
}

}  // namespace diarize
