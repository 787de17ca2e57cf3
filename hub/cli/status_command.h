// hubctl status and hubctl top: the hub at a glance (agencies connected, record rates,
// flows, backlogs, withholdings, dead letters, alerts) from hubd's GET /admin/overview.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "status" or "top": --admin HOST:PORT or --config FILE, and
// --token-file FILE; top also takes --interval SECONDS (default 2) and --iterations N
// (default: until Ctrl-C). `terminal`: `out` is a terminal, so top redraws in place and
// alerts are coloured; otherwise views follow one another in plain text. Returns the
// process exit code: 0 shown (top: stopped by Ctrl-C or after N views), 1 the hub could not
// be reached or refused (status only; top shows the error and tries again), 2 usage.
// Blocks for the requests (up to 15 s each) and, for top, between views.
int RunStatusCommand(const std::vector<std::string>& args, bool live, bool terminal,
                     std::ostream& out, std::ostream& err);

}  // namespace gallery::cli
