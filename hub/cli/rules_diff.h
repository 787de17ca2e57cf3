// hubctl rules diff: what a proposed rule set would change, replayed on the records the hub
// received recently (governance/rule_diff.h).
#pragma once

#include <ostream>

#include "hub/cli/rules_options.h"
#include "hub/config/hub_config.h"

namespace gallery::cli {

// Loads positional[1] (old) and positional[2] (new) against the config's agencies, reads
// the records received within options.since from the store and the subject state from its
// registry, and prints the changes in options.format. Returns 0 with no change, 3 with
// changes, 1 when a rule set, --since or the store cannot be used (the reason on `err`).
int RunRulesDiff(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                 std::ostream& err);

}  // namespace gallery::cli
