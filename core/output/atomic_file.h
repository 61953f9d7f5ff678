// Output files appear whole or not at all: written to a temporary file beside the target, then
// renamed. Temporary files are registered so a signal handler can remove them.
#pragma once

#include <string>

namespace diarize {

// In the name of every temporary output file: ".<name>.dz~XXXXXX" (<name> shortened if needed).
inline constexpr const char* kTempFileMarker = ".dz~";
// Longest file name (one path component) Linux file systems take: NAME_MAX.
inline constexpr size_t kMaxNameBytes = 255;

// Writes `content` to `path` atomically (temporary file in the same folder, fsync, rename, fsync
// of the folder), creating parent folders as needed. A symlink is written through: its final
// target is replaced atomically in the target's folder and the link stays. A target that exists
// and is a character device, FIFO or block device is written straight into, never replaced.
// Throws std::runtime_error "<path>: <reason>" on failure (and leaves nothing behind).
void write_file_atomically(const std::string& path, const std::string& content);

// Checks before any work that outputs can be created in `folder` (created later when missing) or
// as the file `path`: every existing path component a folder, the folder writable (one temporary
// file is created and removed in the deepest folder that exists), the name not too long. A device
// or FIFO target passes. Throws std::runtime_error with the reason.
void check_folder_writable(const std::string& folder);
void check_file_writable(const std::string& path);

// Creates a unique temporary file beside `target` (mode 0644 after umask), registers it for
// cleanup and returns its path; the caller renames or removes it, then calls release_temp_file.
std::string create_temp_file_beside(const std::string& target, int* fd_out);
void release_temp_file(const std::string& path);

// Async-signal-safe: unlinks every temporary file still registered.
void remove_registered_temp_files() noexcept;

// mkdir -p; throws std::runtime_error on failure.
void make_directories(const std::string& path);

}  // namespace diarize
