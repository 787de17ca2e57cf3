// hubctl rules explain: the dry run of one record given as JSON (governance/explain.h).
#pragma once

#include <ostream>

#include "hub/cli/rules_options.h"
#include "hub/config/hub_config.h"

namespace gallery::cli {

// Loads options.rules and options.record, and the subject's state from the hub's store
// unless options.no_store; prints each agency's outcome in options.format. Returns 0, or
// 1 when the rules, the record, --to or the store cannot be used (the reason on `err`).
int RunRulesExplain(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                    std::ostream& err);

}  // namespace gallery::cli
