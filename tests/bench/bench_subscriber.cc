#include "tests/bench/bench_subscriber.h"

#include <algorithm>
#include <exception>

#include "adapters/sdk/subscriber.h"

namespace gallery::bench {
namespace {

// Deliveries taken before one Ack frame; the hub's window is far larger, so batching
// never starves it.
constexpr size_t kAckBatch = 256;
constexpr auto kIdleWait = std::chrono::milliseconds(50);

}  // namespace

BenchSubscriber::BenchSubscriber(sdk::ClientOptions options, Clock::time_point deadline)
    : options_(std::move(options)), deadline_(deadline), thread_([this] { Run(); }) {}

BenchSubscriber::~BenchSubscriber() { Stop(); }

void BenchSubscriber::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

SubscriberCounts BenchSubscriber::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

std::vector<int64_t> BenchSubscriber::Latencies(Phase phase) const {
  std::lock_guard lock(mu_);
  return latencies_[static_cast<size_t>(phase)];
}

std::vector<int64_t> BenchSubscriber::Latencies(Phase phase, uint64_t first_seq,
                                                uint64_t end_seq) const {
  std::lock_guard lock(mu_);
  const auto p = static_cast<size_t>(phase);
  std::vector<int64_t> window;
  for (size_t i = 0; i < latencies_[p].size(); ++i) {
    const uint64_t seq = latency_seqs_[p][i];
    if (seq >= first_seq && seq < end_seq) window.push_back(latencies_[p][i]);
  }
  return window;
}

bool BenchSubscriber::FirstSight(const ParsedId& id) {
  std::vector<bool>& seen = seen_[static_cast<size_t>(id.phase)];
  if (id.seq >= seen.size()) seen.resize(std::max<size_t>(id.seq + 1, seen.size() * 2));
  if (seen[id.seq]) return false;
  seen[id.seq] = true;
  return true;
}

void BenchSubscriber::Run() {
  try {
    // Made on this thread: the SDK's sockets stay on the thread that uses them.
    sdk::Subscriber subscriber(options_);
    std::vector<uint64_t> to_ack;
    // One batch's findings, merged under the lock once the batch is acked.
    SubscriberCounts batch;
    std::array<std::vector<int64_t>, kPhases> batch_latencies;
    std::array<std::vector<uint64_t>, kPhases> batch_seqs;
    // One Delivery for them all: the SDK parses each into the storage of the last.
    sdk::Delivery delivery;
    while (!stop_.load() && Clock::now() < deadline_) {
      auto next = subscriber.Next(kIdleWait, delivery);
      while (next.ok() && *next) {
        const int64_t arrived = NowNs();
        ++batch.deliveries;
        if (delivery.redelivered) ++batch.redelivered;
        if (CarriesExcludedField(delivery.record)) ++batch.leaks;
        const auto id = ParseRecordId(delivery.record.record_id());
        const auto sent = SentAtNs(delivery.record);
        if (!id || !sent) {
          ++batch.malformed;
        } else if (!FirstSight(*id)) {
          ++batch.duplicates;  // at-least-once: the record id tells copies apart
        } else {
          const auto p = static_cast<size_t>(id->phase);
          ++batch.distinct[p];
          batch_latencies[p].push_back(arrived - *sent);
          batch_seqs[p].push_back(id->seq);
        }
        to_ack.push_back(delivery.delivery_id);
        if (to_ack.size() >= kAckBatch) break;
        next = subscriber.Next(std::chrono::milliseconds(0), delivery);
      }
      if (!next.ok()) {
        std::lock_guard lock(mu_);
        counts_.error = next.status().ToString();
        return;
      }
      if (to_ack.empty()) continue;
      (void)subscriber.Ack(to_ack);  // never fails; a lost ack only means a redelivery
      const int64_t acked = NowNs();
      to_ack.clear();

      std::lock_guard lock(mu_);
      for (size_t p = 0; p < kPhases; ++p) {
        if (batch.distinct[p] > 0) counts_.last_ack_ns[p] = acked;
        counts_.distinct[p] += batch.distinct[p];
        latencies_[p].insert(latencies_[p].end(), batch_latencies[p].begin(),
                             batch_latencies[p].end());
        batch_latencies[p].clear();
        latency_seqs_[p].insert(latency_seqs_[p].end(), batch_seqs[p].begin(), batch_seqs[p].end());
        batch_seqs[p].clear();
      }
      counts_.deliveries += batch.deliveries;
      counts_.duplicates += batch.duplicates;
      counts_.redelivered += batch.redelivered;
      counts_.leaks += batch.leaks;
      counts_.malformed += batch.malformed;
      batch = SubscriberCounts();
    }
  } catch (const std::exception& e) {
    // The SDK lets ZeroMQ errors other than EINTR escape; the run is then reported failed.
    std::lock_guard lock(mu_);
    counts_.error = std::string("subscriber stopped by an exception: ") + e.what();
  }
}

}  // namespace gallery::bench
