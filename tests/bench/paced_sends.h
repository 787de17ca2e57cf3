// The latency phase of the peer benchmarks, as e2e_bench runs its own: records sent at a
// steady offered rate, with confirms or acks taken between sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"

namespace gallery::bench {

// Sends records 0 .. total-1 of the latency phase through `sender` (Send(Phase, seq) and
// Pump(wait) returning false on error, in_flight()), record n due at n / rate seconds from
// now: a due record is sent at once; until then `sender` takes its confirms in 1 ms waits
// while any are outstanding, and sleeps otherwise. Stops at an error or at `deadline`.
// Returns how many were sent. Blocks.
template <typename Sender>
uint64_t SendAtRate(Sender& sender, uint64_t rate, uint64_t total, Clock::time_point deadline) {
  const auto start = Clock::now();
  const double interval_ns = 1e9 / static_cast<double>(rate);
  uint64_t seq = 0;
  while (seq < total && Clock::now() < deadline) {
    const auto due = start + std::chrono::nanoseconds(
                                 static_cast<int64_t>(static_cast<double>(seq) * interval_ns));
    if (Clock::now() >= due) {
      if (!sender.Send(Phase::kLatency, seq)) break;
      ++seq;
    } else if (sender.in_flight() > 0) {
      if (!sender.Pump(std::chrono::milliseconds(1))) break;
    } else {
      std::this_thread::sleep_until(due);
    }
  }
  return seq;
}

}  // namespace gallery::bench
