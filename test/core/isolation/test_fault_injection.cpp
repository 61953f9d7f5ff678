// DIARIZE_FAULT parsing: the grammar KIND@ATTEMPT[:INPUT] and which rule applies where.
#include <catch2/catch.hpp>

#include "errors.h"
#include "isolation/fault_injection.h"

using namespace diarize;

TEST_CASE("DIARIZE_FAULT rules address attempts and inputs", "[isolation][fault]") {
  const FaultPlan plan = parse_fault_plan("segv@1,hang@2:3,garbage@1:2");
  REQUIRE(plan.rules.size() == 3);
  CHECK(plan.fault_for(1, 1) == FaultKind::kSegv);
  CHECK(plan.fault_for(7, 1) == FaultKind::kSegv);   // no INPUT: every input
  CHECK(plan.fault_for(1, 2) == FaultKind::kNone);
  CHECK(plan.fault_for(3, 2) == FaultKind::kHang);
  CHECK(plan.fault_for(2, 1) == FaultKind::kSegv);   // the first matching rule wins
  CHECK(parse_fault_plan("").empty());
  CHECK(parse_fault_plan("exit@12:40").fault_for(40, 12) == FaultKind::kExit);
  CHECK(parse_fault_plan("abort@1").fault_for(1, 1) == FaultKind::kAbort);
}

TEST_CASE("Malformed DIARIZE_FAULT is a usage error naming the item", "[isolation][fault]") {
  for (const char* bad : {"segv", "segv@", "segv@0", "boom@1", "none@1", "segv@1:", "segv@1:0", "segv@1:x", "segv@-1",
                          "segv@1,", ",segv@1", "segv@1:2:3", "SEGV@1", "segv@ 1", "segv@99999999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_fault_plan(bad), UsageError);
  }
  CHECK_THROWS_WITH(parse_fault_plan("segv@1,boom@2"), Catch::Contains("'boom@2'"));
}

TEST_CASE("Fault names round-trip", "[isolation][fault]") {
  for (FaultKind k : {FaultKind::kNone, FaultKind::kSegv, FaultKind::kAbort, FaultKind::kHang, FaultKind::kExit,
                      FaultKind::kGarbage})
    CHECK(fault_from_name(fault_name(k)) == k);
  CHECK_THROWS(fault_from_name("boom"));
}
