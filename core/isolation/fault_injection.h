// Fault injection for testing the isolation: DIARIZE_FAULT tells the parent which faults the
// child must raise on which attempt of which input, so every failure path can be exercised
// on demand (docs/protocol.md, "Fault injection").
#pragma once

#include <string>
#include <vector>

namespace diarize {

enum class FaultKind { kNone, kSegv, kAbort, kHang, kExit, kGarbage };

struct FaultRule {
  FaultKind kind = FaultKind::kNone;
  int attempt = 1;  // 1 = first attempt, 2 = the CPU retry
  int input = 0;    // 1-based position in the batch; 0 = every input
};

struct FaultPlan {
  std::vector<FaultRule> rules;

  // The fault for `attempt` of the input at 1-based `input`; the first matching rule wins.
  FaultKind fault_for(int input, int attempt) const;
  bool empty() const { return rules.empty(); }
};

// Parses "KIND@ATTEMPT[:INPUT],..." (KIND in segv|abort|hang|exit|garbage, ATTEMPT and INPUT >= 1).
// Empty text gives an empty plan. Throws UsageError naming the offending item.
FaultPlan parse_fault_plan(const std::string& text);

// Reads $DIARIZE_FAULT (unset = no faults).
FaultPlan fault_plan_from_environment();

const char* fault_name(FaultKind kind);
// The inverse of fault_name; throws std::invalid_argument for unknown names.
FaultKind fault_from_name(const std::string& name);

}  // namespace diarize
