// hubctl audit verify | subject: checks the hub's audit log, and reports from it what was
// disclosed or withheld about one person.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "audit". Prints to `out` (results) and `err` (errors); returns
// the exit code: 0 ok, 1 the chain is broken or the store cannot be read, 2 usage.
int RunAuditCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace gallery::cli
