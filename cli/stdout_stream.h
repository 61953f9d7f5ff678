// Results on stdout with every write checked: a full disk or a closed pipe stops the run instead
// of being ignored (docs/cli.md, exit codes 1 and 141).
#pragma once

#include <string>

namespace diarize {

// Writes and flushes `text`; throws StdoutError when stdout refuses it.
void write_stdout(const std::string& text);

// At exit: flushes what printf or --help left in stdout's buffer; throws StdoutError when
// anything written to stdout was lost.
void finish_stdout();

}  // namespace diarize
