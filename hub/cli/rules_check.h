// hubctl rules check: loads a rules folder as hubd would, then lints it (governance/).
#pragma once

#include <ostream>

#include "hub/cli/rules_options.h"
#include "hub/config/hub_config.h"

namespace gallery::cli {

// Loads positional[1] against `config`'s agencies, reads its catalogue.yaml when present,
// prints every finding sorted by position and a summary, in options.format. Returns 0
// without errors or warnings, 1 with an error (a set that does not load included), 2 with
// warnings only.
int RunRulesCheck(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                  std::ostream& err);

}  // namespace gallery::cli
