// PublishDriver: the benchmark's one SDK Publisher, with every wait bounded by a deadline
// and the confirms tallied per phase (count, time of the last, send-to-confirm latency).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "adapters/sdk/publisher.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"

namespace gallery::bench {

// What the hub answered so far.
struct PublishCounts {
  std::array<uint64_t, kPhases> sent{};
  std::array<uint64_t, kPhases> confirmed{};
  std::array<int64_t, kPhases> last_confirm_ns{};  // when the newest confirm was seen
  uint64_t duplicates = 0;  // confirms flagged duplicate (resent after a timeout)
  uint64_t rejected = 0;
  std::string first_reject;  // "record_id: CODE: reason" of the first reject
};

// Not thread-safe: one thread publishes.
class PublishDriver {
 public:
  // `capacity` is the most records any phase will send (sizes the send-time tables).
  PublishDriver(sdk::ClientOptions options, uint64_t capacity, Clock::time_point deadline);

  // Stamps and sends the record `seq` of `phase`, first processing confirms while the
  // publisher's in-flight window is full. False (see error()) at the deadline or when the
  // hub refused the session.
  bool Send(RecordFactory& records, Phase phase, uint64_t seq);

  // Processes confirms for up to `wait` (at least 1 ms); returns early once none is due.
  void Pump(std::chrono::milliseconds wait);

  // Processes confirms until none is outstanding or `until`; false when some still are.
  bool Drain(Clock::time_point until);

  size_t in_flight() const { return publisher_.in_flight(); }
  const PublishCounts& counts() const { return counts_; }
  // Send-to-confirm times in nanoseconds for `phase`, in the order confirms were seen.
  // Only as precise as the pumping: about 1 ms while the caller waits in Pump(1 ms).
  std::vector<int64_t>& confirm_latencies(Phase phase) {
    return confirm_ns_[static_cast<size_t>(phase)];
  }
  const std::string& error() const { return error_; }

 private:
  void Tally(std::vector<sdk::PublishOutcome> outcomes);

  const size_t max_in_flight_;
  const Clock::time_point deadline_;
  sdk::Publisher publisher_;
  PublishCounts counts_;
  std::array<std::vector<int64_t>, kPhases> sent_ns_;
  std::array<std::vector<int64_t>, kPhases> confirm_ns_;
  std::string error_;
};

}  // namespace gallery::bench
