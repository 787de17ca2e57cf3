// The options the peer benchmarks (rabbitmq_bench, zmq_forwarder_bench) share with
// e2e_bench, so that their figures measure the same workload.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace gallery::bench {

struct PeerOptions {
  uint64_t records = 50000;   // throughput phase
  uint64_t rate = 2000;       // latency phase, records per second offered
  uint64_t duration_s = 5;    // latency phase
  uint64_t in_flight = 2000;  // unconfirmed records at most
  uint64_t timeout_s = 120;   // hard limit of the whole run
};

// --records, --rate, --duration, --in-flight and --timeout, as e2e_bench reads them.
inline constexpr const char* kPeerOptionsUsage =
    R"(  --records N       records in the throughput phase (default 50000)
  --rate R          records per second offered in the latency phase (default 2000)
  --duration S      seconds of the latency phase (default 5)
  --in-flight N     publisher's unconfirmed records at most (default 2000)
  --timeout S       hard limit for the whole run; past it, reports what it has and exits 1
                    (default 120)
)";

// Takes a program's own flag: `arg`, reading its value (if any) through `value`; false for
// a flag it does not know.
using ExtraFlag =
    std::function<bool(const std::string& arg, const std::function<const char*()>& value)>;

// Parses argv into `options` and the program's own flags; prints `usage` and exits 0 on
// --help, exits 2 with a message naming the flag on bad input.
void ParsePeerArgs(int argc, char** argv, const char* program, const char* usage,
                   PeerOptions& options, const ExtraFlag& extra);

// A whole number in [1, max] for `flag`, or exits 2 naming `program` and the flag.
uint64_t PositiveFlag(const char* program, const std::string& flag, const char* text, uint64_t max);

}  // namespace gallery::bench
