// Command line of the adapter-fhir binary, parsed into a plain struct so it can be tested.
// Usage text lives here too, next to the flags it documents.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "adapters/common/listener_args.h"
#include "hub/common/result.h"

namespace gallery::fhir {

// The shared listener flags (adapters::ListenerArgs) plus adapter-fhir's own.
struct AdapterArgs : adapters::ListenerArgs {
  size_t max_body_bytes = size_t{1} << 20;           // --max-body-bytes
  std::chrono::milliseconds request_timeout{30000};  // --request-timeout-ms
  std::chrono::milliseconds confirm_timeout{10000};  // --confirm-timeout-ms
  int retry_after_seconds = 5;                       // --retry-after-s
};

// Parses `args` (without the program name). Options take "--flag VALUE" or "--flag=VALUE";
// the words after --check up to the next option are files. Returns kInvalidArgument
// naming the bad or missing option; out-of-range numbers are rejected, not clamped.
Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args);

// The --help text.
std::string AdapterUsage();

}  // namespace gallery::fhir
