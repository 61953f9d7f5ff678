// Field splitting and strict number parsing shared by the RTTM and UEM readers.
#include "output/text_fields.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace diarize {

std::vector<std::string> split_fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

bool parse_finite_double(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace diarize
