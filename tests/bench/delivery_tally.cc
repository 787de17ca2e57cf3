#include "tests/bench/delivery_tally.h"

#include <algorithm>
#include <thread>

namespace gallery::bench {

DeliveryTally::DeliveryTally(std::array<uint64_t, kPhases> records) {
  for (size_t p = 0; p < kPhases; ++p) seen_[p].assign(records[p], false);
  latencies_.reserve(records[static_cast<size_t>(Phase::kLatency)]);
}

void DeliveryTally::Delivered(Phase phase, uint64_t seq, int64_t sent_ns) {
  const auto p = static_cast<size_t>(phase);
  if (seq >= seen_[p].size()) {
    Unknown();
    return;
  }
  if (seen_[p][seq]) {
    std::lock_guard lock(mu_);
    ++counts_.duplicates;
    return;
  }
  seen_[p][seq] = true;
  ++unacked_[p];
  if (phase == Phase::kLatency) latencies_.push_back(NowNs() - sent_ns);
}

void DeliveryTally::Unknown() {
  std::lock_guard lock(mu_);
  ++counts_.out_of_range;
}

void DeliveryTally::Acked() {
  const int64_t now = NowNs();
  std::lock_guard lock(mu_);
  for (size_t p = 0; p < kPhases; ++p) {
    if (unacked_[p] == 0) continue;
    counts_.acked[p] += unacked_[p];
    counts_.last_ack_ns[p] = now;
    unacked_[p] = 0;
  }
}

DeliveryTally::Snapshot DeliveryTally::snapshot() const {
  std::lock_guard lock(mu_);
  return counts_;
}

bool AwaitAcked(const std::vector<const DeliveryTally*>& tallies, Phase phase, uint64_t want,
                Clock::time_point until) {
  const auto p = static_cast<size_t>(phase);
  while (true) {
    const bool all = std::all_of(tallies.begin(), tallies.end(),
                                 [&](const auto& t) { return t->snapshot().acked[p] >= want; });
    if (all) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int64_t NewestAck(const std::vector<const DeliveryTally*>& tallies, Phase phase) {
  int64_t newest = 0;
  for (const auto& t : tallies) {
    newest = std::max(newest, t->snapshot().last_ack_ns[static_cast<size_t>(phase)]);
  }
  return newest;
}

}  // namespace gallery::bench
