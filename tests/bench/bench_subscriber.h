// BenchSubscriber: one recipient's SDK Subscriber on a thread of its own. It acks every
// delivery in batches and records, per phase, the distinct records it got and how long each
// took from the publisher's send to its arrival here.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"

namespace gallery::bench {

// What one subscriber has seen so far.
struct SubscriberCounts {
  std::array<uint64_t, kPhases> distinct{};    // distinct record ids received, per phase
  std::array<int64_t, kPhases> last_ack_ns{};  // when the ack of the batch holding the
                                               // phase's newest distinct record was sent
  uint64_t deliveries = 0;                     // every Deliver, duplicates included
  uint64_t duplicates = 0;                     // deliveries of a record id already received
  uint64_t redelivered = 0;                    // deliveries the hub flagged as sent before
  uint64_t leaks = 0;      // deliveries still carrying the excluded Notes/Internal
  uint64_t malformed = 0;  // foreign record ids, or no send time
  std::string error;       // why the thread stopped early, if it did
};

// Public methods are thread-safe. The thread starts in the constructor and ends at Stop(),
// at `deadline`, or on an SDK error (see SubscriberCounts::error).
class BenchSubscriber {
 public:
  BenchSubscriber(sdk::ClientOptions options, Clock::time_point deadline);
  ~BenchSubscriber();  // Stop()
  BenchSubscriber(const BenchSubscriber&) = delete;
  BenchSubscriber& operator=(const BenchSubscriber&) = delete;

  // Asks the thread to finish and joins it; returns within about 100 ms. Idempotent.
  void Stop();

  const std::string& agency() const { return options_.agency; }
  SubscriberCounts counts() const;
  // Send-to-arrival times in nanoseconds of `phase`'s distinct records, in arrival order.
  std::vector<int64_t> Latencies(Phase phase) const;
  // The same, of the records numbered `first_seq` up to but excluding `end_seq`.
  std::vector<int64_t> Latencies(Phase phase, uint64_t first_seq, uint64_t end_seq) const;

 private:
  void Run();
  // True the first time a record id (parsed) comes; false for a repeat.
  bool FirstSight(const ParsedId& id);

  const sdk::ClientOptions options_;
  const Clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  // Record ids seen, by phase and sequence number (bench ids encode both): a lookup per
  // delivery that costs no hashing or allocation. Only the thread touches it.
  std::array<std::vector<bool>, kPhases> seen_;

  mutable std::mutex mu_;
  SubscriberCounts counts_;                              // guarded by mu_
  std::array<std::vector<int64_t>, kPhases> latencies_;  // guarded by mu_
  std::array<std::vector<uint64_t>, kPhases> latency_seqs_;  // parallel; guarded by mu_

  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace gallery::bench
