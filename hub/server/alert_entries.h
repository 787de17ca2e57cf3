// The journal entries for the involvement alerts a record raises (involvement/
// involvement_alert.h): an alert to each agency holding the relationship and a notice to the
// sender, each a record of its own with one delivery and its own sealed audit entry, so that
// they are journaled in the triggering record's commit and delivered, acked and audited
// like any other.
#pragma once

#include <cstdint>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/audit/audit_chain.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"
#include "hub/store/store.h"

namespace gallery::server {

// Appends to `out` the entries for the alerts `record` raises, after the registry has
// learned from it. Nothing for a correction (it amends or retracts a record that raised its
// own), and no work beyond one lookup when no alert rule names the record's type.
void AppendAlertEntries(const v1::Record& record, const router::RuleSet& rules,
                        const registry::Registry& registry, int64_t received_at_us,
                        audit::AuditChain& audit, std::vector<store::NewRecord>& out);

}  // namespace gallery::server
