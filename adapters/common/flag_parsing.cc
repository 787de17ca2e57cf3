#include "adapters/common/flag_parsing.h"

#include <charconv>

namespace gallery::adapters {

FlagWord SplitFlag(const std::string& arg) {
  FlagWord flag{arg, std::nullopt};
  if (const size_t eq = arg.find('='); eq != std::string::npos) {
    flag.name = arg.substr(0, eq);
    flag.value = arg.substr(eq + 1);
  }
  return flag;
}

Status TakeFlagValue(const std::vector<std::string>& args, size_t& i, FlagWord& flag) {
  if (!flag.value) {
    if (i + 1 == args.size()) return InvalidArgument("option '" + flag.name + "' needs a value");
    flag.value = args[++i];
  }
  if (flag.value->empty()) return InvalidArgument("option '" + flag.name + "' needs a value");
  return OkStatus();
}

std::optional<long long> ParseNumber(std::string_view s, long long min, long long max) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

Result<long long> ParseMillisFlag(const std::string& name, const std::string& value) {
  const auto ms = ParseNumber(value, 1, kMaxFlagMs);
  if (!ms) {
    return InvalidArgument(name + " must be a whole number of milliseconds from 1 to " +
                           std::to_string(kMaxFlagMs));
  }
  return *ms;
}

Result<HostPort> ParseListenFlag(const std::string& value, std::string_view example) {
  const size_t colon = value.rfind(':');
  const auto port = colon == std::string::npos
                        ? std::nullopt
                        : ParseNumber(std::string_view(value).substr(colon + 1), 0, 65535);
  if (!port || colon == 0) {
    return InvalidArgument("--listen must be HOST:PORT, e.g. " + std::string(example));
  }
  return HostPort{value.substr(0, colon), static_cast<uint16_t>(*port)};
}

}  // namespace gallery::adapters
