#include "tests/bench/peer_options.h"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace gallery::bench {

uint64_t PositiveFlag(const char* program, const std::string& flag, const char* text,
                      uint64_t max) {
  uint64_t n = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n == 0 || n > max) {
    std::cerr << program << ": " << flag << " must be a whole number from 1 to " << max << "\n";
    std::exit(2);
  }
  return n;
}

void ParsePeerArgs(int argc, char** argv, const char* program, const char* usage, PeerOptions& o,
                   const ExtraFlag& extra) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::function<const char*()> value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << program << ": " << arg << " needs a value\n" << usage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--records")
      o.records = PositiveFlag(program, arg, value(), 10'000'000);
    else if (arg == "--rate")
      o.rate = PositiveFlag(program, arg, value(), 1'000'000);
    else if (arg == "--duration")
      o.duration_s = PositiveFlag(program, arg, value(), 600);
    else if (arg == "--in-flight")
      o.in_flight = PositiveFlag(program, arg, value(), 1'000'000);
    else if (arg == "--timeout")
      o.timeout_s = PositiveFlag(program, arg, value(), 3600);
    else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    } else if (!extra(arg, value)) {
      std::cerr << program << ": unknown argument '" << arg << "'\n" << usage;
      std::exit(2);
    }
  }
  if (o.rate * o.duration_s > 10'000'000) {
    std::cerr << program << ": --rate times --duration must be at most 10,000,000 records\n";
    std::exit(2);
  }
}

}  // namespace gallery::bench
