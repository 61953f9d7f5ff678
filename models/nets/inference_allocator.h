// glibc allocator settings for a process that runs the networks (the engine, and the benchmarks so
// that they measure what the engine does).
#pragma once

namespace diarize {

// The networks allocate and free buffers of 1-10 MB for every batch (oneDNN outputs, the LSTM's gate
// buffers). By default glibc serves those from fresh mmaps or trims them off the heap top when they
// are freed, so every batch page-faults its buffers in again: a quarter of segmentation's time and
// most of its system time (10-minute file: 9.9 s with 3.1 s of system time, against 7.2 s and 0.3 s
// after this). Keeps blocks under 32 MiB on the heap and up to 256 MiB of free heap untrimmed; peak
// memory is unchanged (the same buffers, reused). Does nothing when the user set glibc malloc
// tunables (GLIBC_TUNABLES) or on other C libraries.
void keep_network_buffers_mapped();

}  // namespace diarize
