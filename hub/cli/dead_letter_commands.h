// hubctl deadletter list | show ID [--contents] | retry ID | drop ID, through hubd's admin API.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "deadletter". Prints to `out` (results) and `err` (errors);
// returns the process exit code: 0 done, 1 the hub refused or failed, 2 usage.
int RunDeadLetterCommand(const std::vector<std::string>& args, const std::string& admin_address,
                         bool with_contents, std::ostream& out, std::ostream& err);

}  // namespace gallery::cli
