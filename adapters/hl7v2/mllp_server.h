// MllpServer: accepts HL7 v2 senders over TCP (MLLP framing) on one Boost.Asio io_context
// and answers each message, in order per connection, through an InboundHandler.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)
#include <boost/asio.hpp>

#include "adapters/hl7v2/inbound.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

struct ListenOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port; see MllpServer::port()
  size_t max_message_bytes = size_t{1} << 20;
  // A connection that sends nothing for this long, while no answer is pending, is closed.
  std::chrono::milliseconds read_timeout{60000};
};

// Single-threaded: every method and callback runs on the io_context's thread. `handler`
// must outlive the server.
class MllpServer {
 public:
  MllpServer(boost::asio::io_context& io, ListenOptions options, InboundHandler& handler);
  ~MllpServer();

  // Binds and listens. kInvalidArgument for a bad host; kUnavailable when the address
  // cannot be bound (in use, not local). Does not block.
  Status Start();

  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }

  // Stops accepting and closes every connection; answers still pending are dropped (the
  // senders will resend). Idempotent.
  void Stop();

  size_t connections() const { return connections_.size(); }

 private:
  class Connection;
  void Accept();

  boost::asio::io_context& io_;
  ListenOptions options_;
  InboundHandler& handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Connection>> connections_;
  bool stopped_ = false;
};

}  // namespace gallery::hl7v2
