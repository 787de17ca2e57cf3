// Small measurement helpers for the benchmarks: percentiles, and the disk's own sync
// latency, which bounds how fast a hub that syncs before confirming can confirm.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hub/common/result.h"

namespace gallery::bench {

using Clock = std::chrono::steady_clock;

// Nanoseconds on the steady clock, comparable across threads of this process.
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// The nearest-rank `p`th percentile (0 < p <= 100) of `samples`; 0 when there are none.
// Reorders `samples`. Thread-compatible.
int64_t Percentile(std::vector<int64_t>& samples, double p);

// Times `count` rounds of "append 4 KiB, fdatasync" on a new file in `dir` (removed
// afterwards), stopping early at `deadline`. Returns each round's time in nanoseconds, or
// kUnavailable when the file cannot be created or written. Blocks on the disk.
Result<std::vector<int64_t>> MeasureFdatasync(const std::string& dir, int count,
                                              Clock::time_point deadline);

}  // namespace gallery::bench
