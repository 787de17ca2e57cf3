// AmqpSession: one AMQP 0-9-1 connection (librabbitmq) to a RabbitMQ node on 127.0.0.1,
// logged in as the node's default user, with one channel open. For rabbitmq_bench.
#pragma once

#include <amqp.h>

#include <chrono>
#include <memory>
#include <string>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::bench {

inline constexpr amqp_channel_t kAmqpChannel = 1;

// A call's reply as a Status naming `what`: ok, or kUnavailable with the library's or the
// server's reason.
Status AmqpReplyStatus(const amqp_rpc_reply_t& reply, const std::string& what);

// Not thread-safe: one thread uses a session.
class AmqpSession {
 public:
  // Connects to 127.0.0.1:`port` within `timeout`, logs in as guest and opens the channel.
  static Result<std::unique_ptr<AmqpSession>> Open(int port, std::chrono::seconds timeout);

  // Closes the channel and the connection (each bounded by the socket's timeouts).
  ~AmqpSession();
  AmqpSession(const AmqpSession&) = delete;
  AmqpSession& operator=(const AmqpSession&) = delete;

  amqp_connection_state_t state() const { return state_; }

  // The reply of the last synchronous call on this session, as AmqpReplyStatus.
  Status LastReply(const std::string& what) const {
    return AmqpReplyStatus(amqp_get_rpc_reply(state_), what);
  }

 private:
  explicit AmqpSession(amqp_connection_state_t state) : state_(state) {}
  amqp_connection_state_t state_;
  bool logged_in_ = false;
  bool channel_open_ = false;
};

}  // namespace gallery::bench
