// The main command: diarize every input and write the results.
#pragma once

#include "run_options.h"

namespace diarize {

// Returns the process exit code (0 all succeeded, 1 some input failed). Throws UsageError and
// ModelError for problems that concern the whole run.
int run_diarization(RunOptions& options);

}  // namespace diarize
