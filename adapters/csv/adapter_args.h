// Command line of the adapter-csv binary, parsed into a plain struct so it can be tested.
// Usage text lives here too, next to the flags it documents.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/common/key_flags.h"
#include "hub/common/result.h"

namespace gallery::csv {

struct AdapterArgs {
  std::string hub;                           // --hub ENDPOINT (not needed with --check)
  adapters::KeyFlags keys;                   // --key FILE, --hub-key FILE (both or neither)
  std::string mapping;                       // --mapping MAPPING.yaml
  std::string agency;                        // --agency ID; empty means the mapping's agency
  std::vector<std::string> files;            // FILE.csv..., at least one unless --watch
  std::string watch_dir;                     // --watch DIR: watch a drop folder instead
  std::string state_dir;                     // --state DIR; empty means DIR/.gallery-state
  std::chrono::milliseconds rescan{10000};   // --rescan-ms: fallback scan period and settle
  std::chrono::milliseconds timeout{30000};  // --timeout-ms: whole run's wait for confirms
  bool check = false;                        // --check: map every row, publish nothing
  bool verbose = false;                      // --verbose: debug logs (record ids, row numbers)
  bool help = false;                         // --help: print AdapterUsage() and exit 0
};

inline constexpr std::chrono::milliseconds kMaxTimeout{24 * 60 * 60 * 1000};

// Parses `args` (without the program name). Options take "--flag VALUE" or
// "--flag=VALUE"; "--" ends options. Returns kInvalidArgument naming the bad or missing
// option; out-of-range timeouts and rescan periods (not 1..kMaxTimeout) are rejected, not
// clamped. --watch excludes FILE arguments and --check; --state and --rescan-ms need --watch.
Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args);

// The --help text.
std::string AdapterUsage();

}  // namespace gallery::csv
