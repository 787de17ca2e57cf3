// Pieces of command-line parsing that the adapter binaries share: splitting "--flag=VALUE",
// taking a flag's value, bounded whole numbers and HOST:PORT. Error texts are part of the
// adapters' interface (scripts and tests match them); change them only on purpose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"

namespace gallery::adapters {

// The longest timeout any adapter accepts, in milliseconds (one day).
inline constexpr long long kMaxFlagMs = 24LL * 60 * 60 * 1000;

// "--name=value" split at the first '='; `value` is empty (nullopt) for "--name".
struct FlagWord {
  std::string name;
  std::optional<std::string> value;
};
FlagWord SplitFlag(const std::string& arg);

// Fills `flag.value` from the next word of `args` (advancing `i`) when it was not given
// with '='. kInvalidArgument "option '--name' needs a value" when there is none or it is
// empty. Pure; never blocks.
Status TakeFlagValue(const std::vector<std::string>& args, size_t& i, FlagWord& flag);

// The whole of `s` as a decimal number in [min, max]; nullopt otherwise (no clamping).
std::optional<long long> ParseNumber(std::string_view s, long long min, long long max);

// `value` as a whole number of milliseconds from 1 to kMaxFlagMs. kInvalidArgument
// "NAME must be a whole number of milliseconds from 1 to 86400000" otherwise.
Result<long long> ParseMillisFlag(const std::string& name, const std::string& value);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// `value` as HOST:PORT (port 0..65535, host not empty). kInvalidArgument
// "--listen must be HOST:PORT, e.g. EXAMPLE" otherwise.
Result<HostPort> ParseListenFlag(const std::string& value, std::string_view example);

}  // namespace gallery::adapters
