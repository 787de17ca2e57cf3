// The audit entry of a journaled record: who received which fields under which rules, who
// did not and why. Metadata and a hash of the payload; never the record's contents.
#pragma once

#include <string>

#include "gallery/v1/record.pb.h"
#include "hub/audit/audit_entry.pb.h"
#include "hub/audit/subject_pseudonym.h"
#include "hub/router/route_plan.h"
#include "hub/store/store.h"

namespace gallery::audit {

// Sets `entry`'s body (clearing it first) to describe `record`, routed by `plan` (whose
// grants are parallel to `journaled.deliveries`) under rule set `rule_set_hash`, and
// journaled as `journaled`. Pure; thread-compatible.
void DescribeRecord(const v1::Record& record, const store::NewRecord& journaled,
                    const router::RoutePlan& plan, const SubjectPseudonym& pseudonym,
                    const std::string& rule_set_hash, audit_log::v1::Entry& entry);

}  // namespace gallery::audit
