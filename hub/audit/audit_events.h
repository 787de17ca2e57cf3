// Audit entries for the hub's events other than journaled records (record_audit.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/audit/audit_entry.pb.h"
#include "hub/router/rule_set.h"

namespace gallery::audit {

// A rule set put in force: its hash, every protocol (name, version, review date, legal
// basis) and every rule with its protocol, purpose and legal basis. `trigger`: "start",
// "SIGHUP", "admin API".
audit_log::v1::Entry RuleSetLoaded(const router::RuleSet& rules, std::string_view trigger);

// A rule set that failed to load, with the loader's messages; `running_hash` stays.
audit_log::v1::Entry RuleSetRefused(std::string_view trigger, std::string_view running_hash,
                                    std::string_view error);

// A published record refused: the publishing agency, the source it claimed, the wire code's
// name and the reason given to the publisher.
audit_log::v1::Entry RecordRejected(std::string_view agency, std::string_view claimed_source,
                                    std::string_view record_id, std::string_view code,
                                    std::string_view reason);

// An admin request that changed state or showed record contents.
audit_log::v1::Entry AdminAction(std::string_view method, std::string_view path, int status,
                                 std::string_view peer);

// Records whose payloads retention removed.
audit_log::v1::Entry Purge(const std::vector<std::string>& record_ids);

// A delivery given up.
audit_log::v1::Entry DeadLettered(std::string_view record_id, std::string_view recipient,
                                  std::string_view reason);

}  // namespace gallery::audit
