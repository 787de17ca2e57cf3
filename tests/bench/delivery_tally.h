// DeliveryTally: what one consumer of a peer benchmark (rabbitmq_bench,
// zmq_forwarder_bench) received, by phase: distinct sequence numbers, publish-to-delivery
// latency, and when its newest ack went out.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"

namespace gallery::bench {

// Delivered() and Acked() on the consumer's thread; snapshot() from any thread;
// TakeLatencies() once the consumer has stopped.
class DeliveryTally {
 public:
  // Sequence numbers run from 0 to records[phase] - 1.
  explicit DeliveryTally(std::array<uint64_t, kPhases> records);

  // A delivery of `seq` sent at `sent_ns` (steady clock, this process), received now.
  void Delivered(Phase phase, uint64_t seq, int64_t sent_ns);

  // A delivery without a phase, sequence number or send time this benchmark sent.
  void Unknown();

  // An ack covering every delivery so far has just been sent.
  void Acked();

  struct Snapshot {
    std::array<uint64_t, kPhases> acked{};       // distinct deliveries covered by an ack
    std::array<int64_t, kPhases> last_ack_ns{};  // newest ack covering the phase
    uint64_t duplicates = 0;
    uint64_t out_of_range = 0;  // sequence numbers no phase sent
  };
  Snapshot snapshot() const;

  // Publish-to-delivery of the latency phase, in nanoseconds.
  std::vector<int64_t> TakeLatencies() { return std::move(latencies_); }

 private:
  std::array<std::vector<bool>, kPhases> seen_;
  std::array<uint64_t, kPhases> unacked_{};
  std::vector<int64_t> latencies_;
  mutable std::mutex mu_;
  Snapshot counts_;  // guarded by mu_
};

// Waits until every tally has `want` acked deliveries of `phase`; false at `until`.
bool AwaitAcked(const std::vector<const DeliveryTally*>& tallies, Phase phase, uint64_t want,
                Clock::time_point until);

// The newest ack of `phase` over the tallies (0 when none).
int64_t NewestAck(const std::vector<const DeliveryTally*>& tallies, Phase phase);

}  // namespace gallery::bench
