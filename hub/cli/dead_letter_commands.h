// hubctl deadletter list | show ID [--contents] | retry ID | drop ID, through hubd's admin API.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "deadletter". Prints to `out` (results) and `err` (errors);
// returns the process exit code: 0 done, 1 the hub refused or failed, 2 usage. Requests
// carry `bearer_token` when one is given (see CallAdmin).
int RunDeadLetterCommand(const std::vector<std::string>& args, const std::string& admin_address,
                         bool with_contents, std::ostream& out, std::ostream& err,
                         const std::string& bearer_token = "");

}  // namespace gallery::cli
