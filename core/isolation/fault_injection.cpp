// Parsing of DIARIZE_FAULT into a plan the supervisor consults per input and attempt.
#include "isolation/fault_injection.h"

#include <cstdlib>
#include <stdexcept>

#include "errors.h"

namespace diarize {

namespace {

struct NamedFault {
  const char* name;
  FaultKind kind;
};
constexpr NamedFault kFaults[] = {{"none", FaultKind::kNone},   {"segv", FaultKind::kSegv}, {"abort", FaultKind::kAbort},
                                  {"hang", FaultKind::kHang},   {"exit", FaultKind::kExit}, {"garbage", FaultKind::kGarbage}};

// A positive decimal integer, nothing else (no sign, no spaces, no overflow).
bool parse_positive(const std::string& text, int& value) {
  if (text.empty() || text.size() > 6) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1;
}

FaultRule parse_rule(const std::string& item) {
  const std::string why = "DIARIZE_FAULT: invalid item '" + item +
                          "' (expected KIND@ATTEMPT[:INPUT], KIND one of segv, abort, hang, exit, garbage)";
  const size_t at = item.find('@');
  if (at == std::string::npos) throw UsageError(why);
  FaultRule rule;
  try {
    rule.kind = fault_from_name(item.substr(0, at));
  } catch (const std::invalid_argument&) {
    throw UsageError(why);
  }
  if (rule.kind == FaultKind::kNone) throw UsageError(why);
  const std::string rest = item.substr(at + 1);
  const size_t colon = rest.find(':');
  if (!parse_positive(rest.substr(0, colon), rule.attempt)) throw UsageError(why);
  if (colon != std::string::npos && !parse_positive(rest.substr(colon + 1), rule.input)) throw UsageError(why);
  return rule;
}

}  // namespace

FaultKind FaultPlan::fault_for(int input, int attempt) const {
  for (const FaultRule& rule : rules)
    if (rule.attempt == attempt && (rule.input == 0 || rule.input == input)) return rule.kind;
  return FaultKind::kNone;
}

FaultPlan parse_fault_plan(const std::string& text) {
  FaultPlan plan;
  if (text.empty()) return plan;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    plan.rules.push_back(parse_rule(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return plan;
}

FaultPlan fault_plan_from_environment() {
  const char* text = std::getenv("DIARIZE_FAULT");
  return parse_fault_plan(text ? text : "");
}

const char* fault_name(FaultKind kind) {
  for (const NamedFault& fault : kFaults)
    if (fault.kind == kind) return fault.name;
  return "none";
}

FaultKind fault_from_name(const std::string& name) {
  for (const NamedFault& fault : kFaults)
    if (name == fault.name) return fault.kind;
  throw std::invalid_argument("unknown fault '" + name + "'");
}

}  // namespace diarize
