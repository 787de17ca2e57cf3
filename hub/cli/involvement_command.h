// hubctl involvement: asks the running hub, through its admin API, which agencies a given
// agency would learn are involved with a person, for information-governance review.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` follow "involvement". Exit 0: answered; 3: refused; 1: the hub could not be asked
// or could not audit; 2: a mistaken command line.
int RunInvolvementCommand(const std::vector<std::string>& args, std::ostream& out,
                          std::ostream& err);

}  // namespace gallery::cli
