// Forwarder: takes the agency's deliveries from the hub one at a time and sends each to
// the agency's system over MLLP, acking the hub only once the system has answered AA.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include "adapters/hl7v2/out/message_builder.h"
#include "adapters/hl7v2/out/mllp_client.h"
#include "adapters/hl7v2/out/out_args.h"
#include "adapters/hl7v2/out/out_mapping.h"
#include "adapters/sdk/subscriber.h"
#include "hub/common/status.h"

namespace gallery::hl7v2 {

// Not thread-safe; Run on one thread. Retry policy (adapters/hl7v2/out/README.md): a
// failed attempt (AE, AR, a wrong or unreadable answer, no answer in time, a lost or
// refused connection) is retried after a backoff that starts at args.first_retry and
// doubles up to args.max_retry, on a fresh connection; the hub is not acked, so its own
// redelivery and dead letters still apply. The subscription's window is one delivery, so
// the hub sends the next only once this one is acked or given up (dead-lettered), and the
// system receives the records in hub order.
class Forwarder {
 public:
  Forwarder(const OutArgs& args, const OutMapping& mapping, sdk::ClientOptions client,
            const std::atomic<bool>& stop);

  // Forwards until `stop` is set (OkStatus) or the hub refuses the session.
  Status Run();

 private:
  enum class Outcome { kAccepted, kRetry, kHubMovedOn, kStopped };

  // Takes deliveries from the hub for up to `timeout` into pending_ (at least one look),
  // which also keeps the session's heartbeats going.
  Status Pump(std::chrono::milliseconds timeout);
  Status Forward(const sdk::Delivery& delivery);
  // One attempt: the message out and its answer read; keeps pumping the hub meanwhile.
  Result<Outcome> Attempt(const sdk::Delivery& delivery, const OutboundMessage& message,
                          std::string& problem);
  // Waits `delay` while pumping the hub; kHubMovedOn when a later delivery came.
  Result<Outcome> Backoff(std::chrono::milliseconds delay, uint64_t delivery_id);
  bool HubMovedOn(uint64_t delivery_id) const;

  const OutArgs& args_;
  const OutMapping& mapping_;
  const std::atomic<bool>& stop_;
  sdk::Subscriber subscriber_;
  boost::asio::io_context io_;
  MllpClient client_;
  std::deque<sdk::Delivery> pending_;
  sdk::Delivery incoming_;   // storage Subscriber::Next reuses
  uint64_t last_acked_ = 0;  // delivery ids come in increasing order per recipient
};

}  // namespace gallery::hl7v2
