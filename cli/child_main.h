// `diarize --child PARENT_PID`: the isolated worker. Started only by the parent (the isolated
// diarizer), never by users; speaks the protocol of docs/protocol.md on fd 3.
#pragma once

namespace diarize {

// Loads the engine module once, then serves jobs until EOF on the control socket. Returns the
// process exit status: 0 after a clean EOF, 3 when the parent breaks the protocol, 2 when not
// started by diarize.
int child_main(int argc, char** argv);

}  // namespace diarize
