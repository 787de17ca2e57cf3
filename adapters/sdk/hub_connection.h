// HubConnection: one DEALER socket to hubd with the session handshake, heartbeats and
// reconnection that both Publisher and Subscriber need. Internal to the SDK.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/wire.pb.h"

namespace gallery::sdk {

// Not thread-safe.
class HubConnection {
 public:
  using Clock = std::chrono::steady_clock;

  explicit HubConnection(ClientOptions options);

  // Sends one frame without blocking. A frame the socket cannot take now is dropped: the
  // caller's own bookkeeping (unconfirmed records, unacked deliveries) resends after the
  // next reconnect, so nothing is lost.
  void Send(const v1::Frame& frame);

  // Waits until `deadline` for one application frame (heartbeats and session handshake
  // are handled here). Returns std::nullopt when the deadline passes. Reconnects when the
  // hub has been silent too long, or says it no longer knows this session.
  std::optional<v1::Frame> Receive(Clock::time_point deadline);

  // True once after each new session (first connect included): the caller must then
  // resend what the hub has not acknowledged (records, the Subscribe).
  bool TakeNewSession();

  const ClientOptions& options() const { return options_; }

 private:
  void Reconnect();
  void SendHello();
  void Heartbeat(Clock::time_point now);

  ClientOptions options_;
  zmq::context_t context_;
  std::optional<zmq::socket_t> socket_;
  Clock::time_point last_heard_;
  Clock::time_point last_sent_;
  // Between our Hello and the hub's Welcome, "send Hello first" rejects refer to frames
  // sent before the Hello, and are ignored: everything unacknowledged is resent anyway.
  bool awaiting_welcome_ = false;
  bool new_session_ = false;
};

}  // namespace gallery::sdk
