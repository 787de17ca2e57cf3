// Command line of the adapter-fhir binary, parsed into a plain struct so it can be tested.
// Usage text lives here too, next to the flags it documents.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hub/common/result.h"

namespace gallery::fhir {

struct AdapterArgs {
  std::string hub;                          // --hub ENDPOINT (not needed with --check)
  std::string mapping;                      // --mapping MAPPING.yaml
  std::string listen_host;                  // --listen HOST:PORT (not needed with --check)
  uint16_t listen_port = 0;                 //   0: any free port, printed at start
  std::vector<std::string> check;           // --check FILE...: map these files, publish nothing
  size_t max_body_bytes = size_t{1} << 20;  // --max-body-bytes
  std::chrono::milliseconds request_timeout{30000};  // --request-timeout-ms
  std::chrono::milliseconds confirm_timeout{10000};  // --confirm-timeout-ms
  int retry_after_seconds = 5;                       // --retry-after-s
  bool verbose = false;  // --verbose: debug logs (ids and positions, never values)
  bool help = false;     // --help
};

// Parses `args` (without the program name). Options take "--flag VALUE" or "--flag=VALUE";
// the words after --check up to the next option are files. Returns kInvalidArgument
// naming the bad or missing option; out-of-range numbers are rejected, not clamped.
Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args);

// The --help text.
std::string AdapterUsage();

}  // namespace gallery::fhir
