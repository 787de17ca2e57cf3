// HubConnection: one DEALER socket to hubd with the session handshake, heartbeats and
// reconnection that both Publisher and Subscriber need. Internal to the SDK.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/wire.pb.h"
#include "hub/common/status.h"

namespace gallery::sdk {

// Not thread-safe. Never throws: transport trouble leads to a reconnect.
class HubConnection {
 public:
  using Clock = std::chrono::steady_clock;

  explicit HubConnection(ClientOptions options);

  // Sends one frame without blocking. A frame the socket cannot take now is dropped: the
  // caller's own bookkeeping (unconfirmed records, unacked deliveries) resends it after a
  // timeout or the next reconnect, so nothing is lost.
  void Send(const v1::Frame& frame);
  void SendBytes(std::string_view bytes);

  // Waits until `deadline` for one application frame (heartbeats and the session
  // handshake are handled here); always looks at least once, so a past deadline still
  // takes what has arrived. Returns std::nullopt when nothing came in time. Reconnects
  // when the hub has been silent too long, or says it no longer knows this session.
  // The hub may answer with ConfirmBatch and DeliverBatch frames (this connection's Hello
  // accepts them), returned as they come. With `deliveries`, a Deliver or DeliverBatch
  // frame is not parsed: it is moved there unread (for a DeliverReader) and an empty Frame
  // (no body) is returned.
  std::optional<v1::Frame> Receive(Clock::time_point deadline,
                                   zmq::message_t* deliveries = nullptr);

  // True once after each new session (first connect included): the caller must then
  // resend what the hub has not acknowledged (records, the Subscribe).
  bool TakeNewSession();

  // Not ok once the hub has refused this agency's Hello (unknown agency, wrong protocol
  // version): nothing will be accepted until the configuration is fixed.
  const Status& session_error() const { return session_error_; }

  // The hub's frame size limit, from its Welcome (1 MiB until one arrives).
  size_t max_frame_bytes() const { return max_frame_bytes_; }

  const ClientOptions& options() const { return options_; }

 private:
  void Reconnect();
  void SendHello();
  void HandleWelcome(const v1::Welcome& welcome);

  ClientOptions options_;
  std::chrono::milliseconds heartbeat_interval_;
  zmq::context_t context_;
  std::optional<zmq::socket_t> socket_;
  Clock::time_point last_heard_;
  Clock::time_point last_sent_;
  // Between our Hello and the hub's Welcome, "send Hello first" rejects refer to frames
  // sent before the Hello, and are ignored: everything unacknowledged is resent anyway.
  bool awaiting_welcome_ = false;
  Clock::time_point hello_sent_at_;
  bool new_session_ = false;
  Status session_error_;
  size_t max_frame_bytes_ = 1 << 20;
};

}  // namespace gallery::sdk
