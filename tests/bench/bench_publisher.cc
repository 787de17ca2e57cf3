#include "tests/bench/bench_publisher.h"

#include <algorithm>

namespace gallery::bench {

PublishDriver::PublishDriver(sdk::ClientOptions options, uint64_t capacity,
                             Clock::time_point deadline)
    : max_in_flight_(options.max_in_flight), deadline_(deadline), publisher_(std::move(options)) {
  for (auto& table : sent_ns_) table.assign(capacity, 0);
}

bool PublishDriver::Send(RecordFactory& records, Phase phase, uint64_t seq) {
  // Publisher::Send would wait for room by itself, but without a deadline.
  while (publisher_.in_flight() >= max_in_flight_) {
    if (Clock::now() >= deadline_) {
      error_ =
          "deadline passed with " + std::to_string(publisher_.in_flight()) + " records unconfirmed";
      return false;
    }
    Pump(std::chrono::milliseconds(10));
  }
  const auto p = static_cast<size_t>(phase);
  const int64_t now = NowNs();
  if (seq < sent_ns_[p].size()) sent_ns_[p][seq] = now;
  if (Status status = publisher_.Send(records.Make(phase, seq, now)); !status.ok()) {
    error_ = "publishing: " + status.ToString();
    return false;
  }
  ++counts_.sent[p];
  return true;
}

void PublishDriver::Pump(std::chrono::milliseconds wait) {
  auto flushed = publisher_.Flush(std::max(wait, std::chrono::milliseconds(1)));
  // kUnavailable only says some records are still unconfirmed; their outcomes so far wait
  // in the publisher. A refused session surfaces at the next Send.
  Tally(flushed.ok() ? std::move(flushed).value() : publisher_.TakeOutcomes());
}

bool PublishDriver::Drain(Clock::time_point until) {
  while (publisher_.in_flight() > 0 && Clock::now() < until) {
    Pump(std::chrono::milliseconds(100));
  }
  Tally(publisher_.TakeOutcomes());
  return publisher_.in_flight() == 0;
}

void PublishDriver::Tally(std::vector<sdk::PublishOutcome> outcomes) {
  if (outcomes.empty()) return;
  const int64_t now = NowNs();
  for (const auto& outcome : outcomes) {
    if (!outcome.status.ok()) {
      if (counts_.rejected++ == 0) {
        counts_.first_reject = outcome.record_id + ": " + outcome.status.ToString();
      }
      continue;
    }
    if (outcome.duplicate) ++counts_.duplicates;
    const auto id = ParseRecordId(outcome.record_id);
    if (!id) continue;
    const auto p = static_cast<size_t>(id->phase);
    ++counts_.confirmed[p];
    counts_.last_confirm_ns[p] = now;
    if (id->seq < sent_ns_[p].size()) confirm_ns_[p].push_back(now - sent_ns_[p][id->seq]);
  }
}

}  // namespace gallery::bench
