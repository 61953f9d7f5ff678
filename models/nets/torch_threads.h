// Thread-count policy for LibTorch (it starts with a single thread on Debian's build).
#pragma once

namespace diarize {

// Sets LibTorch's intra-op thread count: `threads` > 0 is taken as is, 0 means all online cores.
// Returns the count in force.
int configure_torch_threads(int threads);

}  // namespace diarize
