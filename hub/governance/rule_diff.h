// DiffRuleSets: what replacing one rule set by another would change, measured on records
// the hub actually received: disclosures added and removed, per pair of agencies and per
// field path. The heart of `hubctl rules diff`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/router/rule_set.h"
#include "hub/router/subject_state.h"
#include "hub/store/store.h"

namespace gallery::governance {

// Changes for one source -> recipient pair; counts are of records.
struct PairChange {
  std::string source;
  std::string recipient;
  uint64_t newly_shared = 0;      // the old rules withheld it, the new share it
  uint64_t no_longer_shared = 0;  // the reverse
  // Path under the source's headings ("Medication/Dose", "@subject/address") -> records
  // that would now disclose it to the recipient, or stop disclosing it. Includes the paths
  // of records newly shared or no longer shared.
  std::map<std::string, uint64_t> newly_disclosed;
  std::map<std::string, uint64_t> no_longer_disclosed;
};

struct RuleDiff {
  uint64_t replayed = 0;          // records routed through both sets
  uint64_t purged = 0;            // skipped: retention removed the payload, metadata can't route
  uint64_t unreadable = 0;        // skipped: the payload did not parse as a Record
  std::vector<PairChange> pairs;  // only pairs with a change, sorted by source, recipient

  bool changed() const { return !pairs.empty(); }
};

// Routes each record's payload as received through `before` and `after` with `state`
// and PlanScope::kConsidered, and compares who received which paths. Never prints or
// keeps record contents. Pure but for `state`; thread-safe.
RuleDiff DiffRuleSets(const router::RuleSet& before, const router::RuleSet& after,
                      const std::vector<store::ReceivedRecord>& records,
                      const router::SubjectState& state);

// "30m", "24h", "7d" (also "s"): a positive whole number and a unit. nullopt otherwise.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace gallery::governance
