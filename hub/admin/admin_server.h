// AdminServer: hubd's admin HTTP endpoint. Requests are parsed on the server's own
// thread and answered by handlers that run on the hub's thread, so handlers may use the
// store and the delivery queues without locks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hub/common/result.h"

namespace gallery::admin {

struct AdminRequest {
  std::string method;  // "GET", "POST" ...
  std::string path;    // without the query, e.g. "/admin/deadletters/3"
  std::string query;   // after '?', e.g. "contents=true"
};

struct AdminResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// Runs on the hub thread.
using AdminHandler = std::function<AdminResponse(const AdminRequest&)>;

// Thread-safe: Start/Stop from the hub thread, RunPending from the hub thread, the
// server's own thread does the I/O.
class AdminServer {
 public:
  // Binds `listen` ("host:port", port 0 picks a free one) and starts serving. With a
  // `bearer_token`, every path but the probes /healthz and /readyz needs the header
  // "Authorization: Bearer <token>"; other requests are answered 401 without reaching the
  // handler. kUnavailable when it cannot bind; kInvalidArgument for a malformed address.
  static Result<std::unique_ptr<AdminServer>> Start(const std::string& listen,
                                                    AdminHandler handler,
                                                    std::string bearer_token = "");
  ~AdminServer();

  // "host:port" actually bound.
  const std::string& address() const { return address_; }

  // Answers the requests waiting for the hub thread. Never blocks.
  void RunPending();

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace gallery::admin
