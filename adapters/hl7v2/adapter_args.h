// Command line of the adapter-hl7v2 binary, parsed into a plain struct so it can be tested.
// Usage text lives here too, next to the flags it documents.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "adapters/common/listener_args.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

// The shared listener flags (adapters::ListenerArgs) plus adapter-hl7v2's own.
struct AdapterArgs : adapters::ListenerArgs {
  size_t max_message_bytes = size_t{1} << 20;        // --max-message-bytes
  std::chrono::milliseconds read_timeout{60000};     // --read-timeout-ms
  std::chrono::milliseconds confirm_timeout{10000};  // --confirm-timeout-ms
};

// Parses `args` (without the program name). Options take "--flag VALUE" or "--flag=VALUE";
// the words after --check up to the next option are files. Returns kInvalidArgument
// naming the bad or missing option; out-of-range numbers are rejected, not clamped.
Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args);

// The --help text.
std::string AdapterUsage();

}  // namespace gallery::hl7v2
