// Subscriber: receives this agency's deliveries from the hub and acknowledges them.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::sdk {

// One disclosure to this agency.
struct Delivery {
  uint64_t delivery_id = 0;
  v1::Record record;                  // already redacted by the hub for this agency
  std::vector<std::string> rule_ids;  // the rules that permitted it
  bool redelivered = false;           // sent before; the record id tells duplicates apart
};

// Not thread-safe: use from one thread. Reconnects and resubscribes by itself; deliveries
// not acked before a reconnect come again.
class Subscriber {
 public:
  explicit Subscriber(ClientOptions options);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Waits up to `timeout` for the next delivery; std::nullopt when none came.
  Result<std::optional<Delivery>> Next(std::chrono::milliseconds timeout);
  // As above, into `delivery` (overwritten; false when none came), reusing the storage it
  // holds from an earlier delivery: a subscriber that takes deliveries one at a time into
  // one Delivery allocates much less per delivery.
  Result<bool> Next(std::chrono::milliseconds timeout, Delivery& delivery);

  // Tells the hub these deliveries are durably taken. Acks are sent at once; an ack lost
  // on the way means the delivery comes again, with the same record id.
  Status Ack(uint64_t delivery_id);
  Status Ack(std::span<const uint64_t> delivery_ids);

  // Tells the hub this agency's system cannot take the delivery. The hub sends it again
  // after a backoff, holding back later deliveries so order is kept, and moves it to the
  // dead letters after its configured number of attempts. `reason` is for operators and
  // must not quote record contents.
  Status Nack(uint64_t delivery_id, const std::string& reason);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gallery::sdk
