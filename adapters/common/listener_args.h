// The flags every listening adapter (adapter-hl7v2, adapter-fhir) shares, and the parser
// skeleton around them; each adapter adds its own valued options through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/key_flags.h"
#include "hub/common/result.h"

namespace gallery::adapters {

struct ListenerArgs {
  std::string hub;                 // --hub ENDPOINT (not needed with --check)
  KeyFlags keys;                   // --key FILE, --hub-key FILE (both or neither)
  std::string mapping;             // --mapping MAPPING.yaml
  std::string listen_host;         // --listen HOST:PORT (not needed with --check)
  uint16_t listen_port = 0;        //   0: any free port, printed at start
  std::vector<std::string> check;  // --check FILE...: map these files, publish nothing
  bool verbose = false;            // --verbose: debug logs (ids and positions, never values)
  bool help = false;               // --help
};

// Parses one adapter-specific option: `name` is one of the `own_flags` given to
// ParseListenerArgs and `value` is not empty. Returns kInvalidArgument for a bad value.
using OwnFlagParser = std::function<Status(const std::string& name, const std::string& value)>;

// Parses `args` (without the program name) into `out`. Options take "--flag VALUE" or
// "--flag=VALUE"; the words after --check up to the next option are files. Besides --hub,
// --key, --hub-key, --mapping, --listen, --check, --verbose and --help, accepts the valued
// `own_flags` and hands them to `parse_own`. `listen_example` is the HOST:PORT shown when --listen is bad.
// Returns kInvalidArgument naming the bad or missing option. Pure; never blocks.
Status ParseListenerArgs(const std::vector<std::string>& args, std::string_view listen_example,
                         const std::vector<std::string_view>& own_flags,
                         const OwnFlagParser& parse_own, ListenerArgs& out);

}  // namespace gallery::adapters
