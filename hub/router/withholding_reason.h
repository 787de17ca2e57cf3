// The human-readable reasons for withholdings, naming the rule that decided each.
#pragma once

#include <string_view>

#include "hub/router/decision.h"
#include "hub/router/plan_scratch.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Sets `out`'s kind and reason for an agency that `applied` (a rule that reached it)
// stopped. Reuses `out.reason`'s buffer.
void DescribeStop(const AppliedRule& applied, const Rule& rule, const Protocol& protocol,
                  Withholding& out);

// For a practice that a registered-GP rule (`rule`) did not reach: not the subject's GP.
void DescribeNotRegisteredGp(const Rule& rule, Withholding& out);

// For an agency no applicable rule reached.
void DescribeNoRule(std::string_view record_type, std::string_view source, Withholding& out);

}  // namespace gallery::router
