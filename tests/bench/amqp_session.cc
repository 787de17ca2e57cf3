#include "tests/bench/amqp_session.h"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <string_view>

namespace gallery::bench {

Status AmqpReplyStatus(const amqp_rpc_reply_t& reply, const std::string& what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return OkStatus();
    case AMQP_RESPONSE_NONE:
      return Unavailable(what + ": no reply");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return Unavailable(what + ": " + amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      break;
  }
  // The server closed the channel or the connection; its reply text says why.
  const amqp_bytes_t* text = nullptr;
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    text = &static_cast<amqp_channel_close_t*>(reply.reply.decoded)->reply_text;
  } else if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    text = &static_cast<amqp_connection_close_t*>(reply.reply.decoded)->reply_text;
  }
  return Unavailable(what + ": server: " +
                     (text == nullptr
                          ? std::string("closed")
                          : std::string(static_cast<const char*>(text->bytes), text->len)));
}

Result<std::unique_ptr<AmqpSession>> AmqpSession::Open(int port, std::chrono::seconds timeout) {
  amqp_connection_state_t state = amqp_new_connection();
  std::unique_ptr<AmqpSession> session(new AmqpSession(state));
  amqp_socket_t* socket = amqp_tcp_socket_new(state);
  if (socket == nullptr) return Unavailable("amqp: cannot create a socket");
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  if (const int rc = amqp_socket_open_noblock(socket, "127.0.0.1", port, &tv);
      rc != AMQP_STATUS_OK) {
    return Unavailable("amqp: connecting to 127.0.0.1:" + std::to_string(port) + ": " +
                       amqp_error_string2(rc));
  }
  // Bounds every later read and write, so that no call waits forever on a stuck node.
  if (const int rc = amqp_set_handshake_timeout(state, &tv); rc != AMQP_STATUS_OK) {
    return Unavailable(std::string("amqp: handshake timeout: ") + amqp_error_string2(rc));
  }
  if (const int rc = amqp_set_rpc_timeout(state, &tv); rc != AMQP_STATUS_OK) {
    return Unavailable(std::string("amqp: rpc timeout: ") + amqp_error_string2(rc));
  }
  // 128 KiB frames (the server's default), no heartbeats: runs are short.
  if (Status s = AmqpReplyStatus(
          amqp_login(state, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"),
          "amqp: login");
      !s.ok()) {
    return s;
  }
  session->logged_in_ = true;
  amqp_channel_open(state, kAmqpChannel);
  if (Status s = session->LastReply("amqp: channel.open"); !s.ok()) return s;
  session->channel_open_ = true;
  return session;
}

AmqpSession::~AmqpSession() {
  if (channel_open_) amqp_channel_close(state_, kAmqpChannel, AMQP_REPLY_SUCCESS);
  if (logged_in_) amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state_);
}

}  // namespace gallery::bench
