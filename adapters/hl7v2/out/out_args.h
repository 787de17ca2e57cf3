// Command line of adapter-hl7v2-out, parsed into a plain struct so it can be tested. The
// usage text lives here too, next to the flags it documents.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/common/key_flags.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

struct OutArgs {
  std::string hub;          // --hub ENDPOINT
  std::string agency;       // --agency ID
  adapters::KeyFlags keys;  // --key FILE, --hub-key FILE
  std::string mapping;      // --mapping FILE
  std::string host;         // --send-to HOST:PORT
  uint16_t port = 0;
  std::chrono::milliseconds ack_timeout{10000};  // --ack-timeout-ms
  std::chrono::milliseconds first_retry{500};    // --retry-initial-ms
  std::chrono::milliseconds max_retry{30000};    // --retry-max-ms
  int max_attempts = 0;                          // --max-attempts; 0: until it ACKs
  size_t max_answer_bytes = size_t{1} << 20;     // --max-ack-bytes
  bool verbose = false;                          // --verbose
  bool help = false;                             // --help
};

// Parses `args` (without the program name); options take "--flag VALUE" or "--flag=VALUE".
// kInvalidArgument naming the bad or missing option; numbers out of range are refused,
// not clamped. Pure.
Result<OutArgs> ParseOutArgs(const std::vector<std::string>& args);

// The --help text.
std::string OutUsage();

}  // namespace gallery::hl7v2
