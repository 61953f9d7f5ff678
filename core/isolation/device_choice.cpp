// Device resolution for --device.
#include "isolation/device_choice.h"

#include <algorithm>

namespace diarize {

std::vector<std::string> split_device_list(const std::string& csv) {
  std::vector<std::string> devices;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    if (comma > start) devices.push_back(csv.substr(start, comma - start));
    start = comma + 1;
  }
  return devices;
}

std::string resolve_device(const std::string& requested, const std::string& available_csv) {
  const std::vector<std::string> available = split_device_list(available_csv);
  if (requested == "auto") return available.empty() ? "cpu" : available.front();
  if (requested == "cpu") return "cpu";
  if (std::find(available.begin(), available.end(), requested) == available.end()) return "";
  return requested;
}

std::string unavailable_device_message(const std::string& requested, const std::string& available_csv) {
  return "--device " + requested + ": not available on this machine (available: " +
         (available_csv.empty() ? "cpu" : available_csv) + ")";
}

}  // namespace diarize
