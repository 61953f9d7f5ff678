// Reading and parsing input lists (see input_list.h).
#include "output/input_list.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace diarize {

namespace {

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\v\f") == std::string::npos;
}

bool is_comment(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t\v\f");
  return first != std::string::npos && line[first] == '#';
}

void add_entry(std::vector<std::string>& entries, std::string entry) {
  entries.push_back(entry == "-" ? "./-" : std::move(entry));
}

std::string read_all(int fd, const std::string& path) {
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw UsageError(path + ": cannot read the input list: " + std::strerror(errno));
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

std::vector<std::string> parse_input_list(const std::string& text, ListSeparator separator) {
  std::vector<std::string> entries;
  const char delimiter = separator == ListSeparator::kNul ? '\0' : '\n';
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(delimiter, start);
    if (end == std::string::npos) end = text.size();
    std::string entry = text.substr(start, end - start);
    start = end + 1;
    if (separator == ListSeparator::kLine) {
      if (!entry.empty() && entry.back() == '\r') entry.pop_back();  // lists written on Windows
      if (is_blank(entry) || is_comment(entry)) continue;
    } else if (entry.empty()) {
      continue;
    }
    add_entry(entries, std::move(entry));
  }
  return entries;
}

std::vector<std::string> read_input_list(const std::string& path, ListSeparator separator) {
  if (path == "-") return parse_input_list(read_all(STDIN_FILENO, "stdin"), separator);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UsageError(path + ": cannot read the input list: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw UsageError(path + ": cannot read the input list: it is a folder");
  }
  try {
    std::string text = read_all(fd, path);
    ::close(fd);
    return parse_input_list(text, separator);
  } catch (...) {
    ::close(fd);
    throw;
  }
}

}  // namespace diarize
