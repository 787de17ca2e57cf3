// HttpServer: accepts FHIR REST clients over HTTP/1.1 (Boost.Beast) on one io_context and
// answers each request through a RequestHandler, one request at a time per connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)

#include <boost/asio.hpp>

#include "adapters/fhir/request_handler.h"
#include "hub/common/status.h"

namespace gallery::fhir {

struct HttpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                        // 0: any free port; see HttpServer::port()
  size_t max_body_bytes = size_t{1} << 20;  // larger bodies are answered 413
  // A request must arrive whole within this; an idle keep-alive connection is closed
  // after it too.
  std::chrono::milliseconds request_timeout{30000};
};

// Single-threaded: every method and callback runs on the io_context's thread. `handler`
// must outlive the server.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpOptions options, RequestHandler& handler);
  ~HttpServer();

  // Binds and listens. kInvalidArgument for a bad host; kUnavailable when the address
  // cannot be bound. Does not block.
  Status Start();

  uint16_t port() const { return port_; }

  // Stops accepting and closes every connection; answers still owed are dropped (the
  // clients see the connection close and retry). Idempotent.
  void Stop();

 private:
  class Connection;
  void Accept();

  boost::asio::io_context& io_;
  HttpOptions options_;
  RequestHandler& handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Connection>> connections_;
  bool stopped_ = false;
};

}  // namespace gallery::fhir
