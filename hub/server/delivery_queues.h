// DeliveryQueues: feeds each subscribed agency its durable queue under credit-based flow
// control; redelivers after ack timeouts, refusals and reconnects; gives up on a delivery
// (dead letter) after max_delivery_attempts failures.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/server/hub_metrics.h"
#include "hub/server/outgoing_frames.h"
#include "hub/server/sessions.h"
#include "hub/store/store.h"

namespace gallery::server {

// Single-threaded, like the hub loop that owns it. `store`, `config` and `metrics` must
// outlive it.
class DeliveryQueues {
 public:
  // Sends encoded frame bytes to a session; false when the peer is gone or full.
  using SendFn = std::function<bool(const std::string& routing_id, std::string_view bytes)>;

  DeliveryQueues(store::Store& store, const config::HubConfig& config, HubMetrics& metrics,
                 SendFn send);

  // The agency's newest Subscribe wins. Delivery restarts from its oldest unacked record.
  // `batches`: the session reads DeliverBatch frames (Hello.accepts_batches).
  void Subscribe(const std::string& agency, const std::string& routing_id, uint32_t window,
                 bool batches = false);
  // The session went away: its subscription ends; its in-flight deliveries stay queued.
  void SessionClosed(const std::string& agency, const std::string& routing_id);

  // An ack frees credit; the ack itself is journaled by the caller with the next batch.
  void Ack(const std::string& agency, uint64_t delivery_id);
  // The recipient refused a delivery: it is sent again after a backoff, in order with the
  // rest of the queue, or dead-lettered once it has failed max_delivery_attempts times.
  void Nack(const std::string& agency, uint64_t delivery_id, const std::string& reason);

  // New deliveries for `agency` were journaled.
  void Queued(const std::string& agency);

  // Sends whatever credit allows, to every subscription.
  void Fill();
  // Ack timeouts and backoffs. Call often (every ~100 ms).
  void CheckTimers(Clock::time_point now);

  // Called once a delivery is durably dead-lettered (for the audit log).
  using DeadLetterFn = std::function<void(const std::string& recipient, uint64_t delivery_id,
                                          const std::string& reason)>;
  void OnDeadLetter(DeadLetterFn on_dead_letter) { on_dead_letter_ = std::move(on_dead_letter); }

  size_t subscriptions() const { return subscriptions_.size(); }
  // Deliveries in flight per subscribed agency (for metrics).
  std::vector<std::pair<std::string, size_t>> InFlightCounts() const;

 private:
  struct Failures {
    uint32_t count = 0;
    std::string last_reason;
  };

  void Fill(const std::string& agency, Subscription& subscription, Clock::time_point now);
  // Sends `frame_` (holding the deliveries `frame_ids_`) and marks them in flight; false
  // when the peer could not take it.
  bool SendFrame(Subscription& subscription, uint64_t& highest, Clock::time_point now);
  // Counts a failure; dead-letters the delivery when it has failed too often. Returns true
  // when it was dead-lettered.
  bool Fail(const std::string& agency, uint64_t delivery_id, const std::string& reason);
  static void Rewind(Subscription& subscription);

  store::Store& store_;
  const config::HubConfig& config_;
  HubMetrics& metrics_;
  SendFn send_;
  DeadLetterFn on_dead_letter_;
  std::unordered_map<std::string, Subscription> subscriptions_;  // by agency
  OutgoingFrame frame_;             // reused for every frame sent
  std::vector<uint64_t> frame_ids_;  // the delivery ids in frame_
  std::unordered_map<std::string, uint64_t> highest_sent_;       // by agency, this process
  // Failed attempts by agency and delivery id; kept across sessions so that a recipient
  // that crashes on a delivery still reaches the limit. Erased on ack or dead letter.
  std::unordered_map<std::string, std::unordered_map<uint64_t, Failures>> failures_;
};

}  // namespace gallery::server
