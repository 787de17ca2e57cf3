#include "hub/server/delivery_queues.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "hub/common/now_micros.h"

namespace gallery::server {
namespace {

// Backoff before resending after a refusal: 250 ms, doubling per failure, at most 30 s.
Clock::duration Backoff(uint32_t failures) {
  const auto base = std::chrono::milliseconds(250);
  const uint32_t doublings = std::min<uint32_t>(failures > 0 ? failures - 1 : 0, 7);
  return std::min<Clock::duration>(base * (1u << doublings), std::chrono::seconds(30));
}

// A DeliverBatch frame is sent once it holds this many deliveries or bytes.
constexpr size_t kMaxBatchDeliveries = 256;
constexpr size_t kMaxBatchBytes = 256 * 1024;

}  // namespace

DeliveryQueues::DeliveryQueues(store::Store& store, const config::HubConfig& config,
                               HubMetrics& metrics, SendFn send)
    : store_(store), config_(config), metrics_(metrics), send_(std::move(send)) {}

void DeliveryQueues::Subscribe(const std::string& agency, const std::string& routing_id,
                               uint32_t window, bool batches) {
  Subscription subscription;
  subscription.routing_id = routing_id;
  subscription.batches = batches;
  subscription.window = window == 0 ? config_.window : std::min(window, config_.window);
  subscriptions_[agency] = std::move(subscription);
  spdlog::info("agency {} subscribed (window {})", agency, subscriptions_[agency].window);
}

void DeliveryQueues::SessionClosed(const std::string& agency, const std::string& routing_id) {
  auto it = subscriptions_.find(agency);
  if (it != subscriptions_.end() && it->second.routing_id == routing_id) subscriptions_.erase(it);
}

void DeliveryQueues::Ack(const std::string& agency, uint64_t delivery_id) {
  auto it = subscriptions_.find(agency);
  Clock::time_point sent;
  if (it != subscriptions_.end() && it->second.in_flight.Erase(delivery_id, &sent)) {
    metrics_.DeliveryAcked(agency, std::chrono::duration<double>(Clock::now() - sent).count());
  } else {
    metrics_.DeliveryAcked(agency, -1);  // sent before a reconnect: no time to tell
  }
  auto failed = failures_.find(agency);
  if (failed != failures_.end()) {
    failed->second.erase(delivery_id);
    if (failed->second.empty()) failures_.erase(failed);
  }
}

void DeliveryQueues::Nack(const std::string& agency, uint64_t delivery_id,
                          const std::string& reason) {
  auto it = subscriptions_.find(agency);
  if (it == subscriptions_.end() || !it->second.in_flight.contains(delivery_id)) return;
  Subscription& subscription = it->second;
  spdlog::warn("agency {} refused delivery {}", agency, delivery_id);
  spdlog::debug("agency {} refused delivery {}: {}", agency, delivery_id, reason);
  if (Fail(agency, delivery_id, "refused by recipient: " + reason)) {
    subscription.in_flight.Erase(delivery_id);
    return;
  }
  // Everything after the refused delivery waits, so that order per subject holds.
  subscription.paused_until = Clock::now() + Backoff(failures_[agency][delivery_id].count);
  Rewind(subscription);
}

void DeliveryQueues::Queued(const std::string& agency) {
  auto it = subscriptions_.find(agency);
  if (it != subscriptions_.end()) it->second.may_have_more = true;
}

void DeliveryQueues::Fill() {
  const auto now = Clock::now();
  for (auto& [agency, subscription] : subscriptions_) Fill(agency, subscription, now);
}

void DeliveryQueues::Fill(const std::string& agency, Subscription& subscription,
                          Clock::time_point now) {
  if (now < subscription.paused_until) return;
  while (subscription.may_have_more && subscription.in_flight.size() < subscription.window) {
    auto pending = store_.Pending(agency, subscription.cursor,
                                  subscription.window - subscription.in_flight.size());
    if (!pending.ok()) {
      spdlog::error("reading the queue of {}: {}", agency, pending.status().ToString());
      return;
    }
    if (pending->empty()) {
      subscription.may_have_more = false;
      return;
    }
    uint64_t& highest = highest_sent_[agency];
    frame_.Start(OutgoingFrame::Kind::kDeliver, subscription.batches);
    frame_ids_.clear();
    for (const auto& delivery : *pending) {
      const bool redelivered = delivery.delivery_id <= highest;
      if (redelivered) metrics_.DeliveryRedelivered(agency);
      frame_.AddDeliver(delivery.delivery_id, delivery.payload, delivery.rule_ids, redelivered);
      frame_ids_.push_back(delivery.delivery_id);
      spdlog::debug("delivering record {} to {} (delivery {})", delivery.record_id, agency,
                    delivery.delivery_id);
      // A batch is cut at a size that keeps the subscriber's reads and the hub's copies
      // small; without batches every delivery is a frame of its own.
      if (!subscription.batches || frame_ids_.size() >= kMaxBatchDeliveries ||
          frame_.size() >= kMaxBatchBytes) {
        if (!SendFrame(subscription, highest, now)) return;  // resumes at the next fill
        frame_.Start(OutgoingFrame::Kind::kDeliver, subscription.batches);
        frame_ids_.clear();
      }
    }
    if (!frame_ids_.empty() && !SendFrame(subscription, highest, now)) return;
  }
}

bool DeliveryQueues::SendFrame(Subscription& subscription, uint64_t& highest,
                               Clock::time_point now) {
  if (!send_(subscription.routing_id, frame_.Finish())) return false;
  for (uint64_t id : frame_ids_) subscription.in_flight.Add(id, now);
  subscription.cursor = frame_ids_.back();
  highest = std::max(highest, frame_ids_.back());
  return true;
}

std::vector<std::pair<std::string, size_t>> DeliveryQueues::InFlightCounts() const {
  std::vector<std::pair<std::string, size_t>> counts;
  for (const auto& [agency, subscription] : subscriptions_) {
    counts.emplace_back(agency, subscription.in_flight.size());
  }
  return counts;
}

void DeliveryQueues::CheckTimers(Clock::time_point now) {
  const auto ack_timeout = std::chrono::milliseconds(config_.ack_timeout_ms);
  for (auto& [agency, subscription] : subscriptions_) {
    std::vector<uint64_t> overdue;
    subscription.in_flight.ForEach([&](uint64_t id, Clock::time_point sent) {
      if (now - sent > ack_timeout) overdue.push_back(id);
    });
    if (overdue.empty()) continue;
    spdlog::warn("agency {}: {} deliveries unacked after {} ms; sending again", agency,
                 overdue.size(), config_.ack_timeout_ms);
    for (uint64_t id : overdue) {
      if (Fail(agency, id, "not acked within " + std::to_string(config_.ack_timeout_ms) + " ms")) {
        subscription.in_flight.Erase(id);
      }
    }
    Rewind(subscription);
  }
}

bool DeliveryQueues::Fail(const std::string& agency, uint64_t delivery_id,
                          const std::string& reason) {
  Failures& failures = failures_[agency][delivery_id];
  failures.last_reason = reason;
  if (++failures.count < config_.max_delivery_attempts) return false;
  const Status status = store_.DeadLetterDelivery(agency, delivery_id, failures.count,
                                                  failures.last_reason, NowMicros());
  if (!status.ok()) {
    spdlog::error("agency {}: cannot dead-letter delivery {}: {}", agency, delivery_id,
                  status.ToString());
    return false;
  }
  spdlog::warn("agency {}: delivery {} moved to the dead letters after {} failed attempts", agency,
               delivery_id, failures.count);
  if (on_dead_letter_) on_dead_letter_(agency, delivery_id, failures.last_reason);
  failures_[agency].erase(delivery_id);
  metrics_.DeadLettered(agency);
  return true;
}

void DeliveryQueues::Rewind(Subscription& subscription) {
  subscription.cursor = 0;
  subscription.in_flight.clear();
  subscription.may_have_more = true;
}

}  // namespace gallery::server
