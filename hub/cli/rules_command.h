// hubctl rules check | explain | diff: the information-governance officer's tools for a
// rules folder, before it goes live.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "rules", options included. Prints results to `out`, problems
// to `err`; returns the exit code documented in hubctl's usage (a usage mistake is 1,
// since 2 and 3 carry results). Read-only; blocks on file and store I/O.
int RunRulesCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace gallery::cli
