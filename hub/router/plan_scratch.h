// The parts of RuleSet::Plan's working space (PlanScratch, in route_plan.h), kept in the
// RoutePlan so that planning record after record allocates nothing once it has grown to
// fit. Meaningless to callers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/spares.h"
#include "hub/router/subject_state.h"

namespace gallery::router {

// A rule whose source and type matched the record, and what it decided.
struct AppliedRule {
  uint32_t rule = 0;            // index into RuleSet::rules()
  std::string_view stopped_by;  // a withholding kind; empty when the rule permits
  std::string_view label;       // for kLabel: the record label the rule does not list
  ConsentView consent;          // the subject's consent state the rule was asked about
  std::vector<bool> allows;     // by item: what it lets through; valid when allows_known
  bool allows_known = false;
};

// What the applied rules said about one agency.
struct Verdict {
  uint64_t epoch = 0;                // the Plan that last touched it; older means untouched
  std::vector<uint32_t> permitting;  // positions in PlanScratch::applied, ascending
  int32_t stopped = -1;              // first applied rule that reached it but did not permit
};

}  // namespace gallery::router
