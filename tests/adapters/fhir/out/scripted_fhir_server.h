// ScriptedFhirServer: an HTTP/1.1 server on 127.0.0.1 for tests of FHIR clients, whose
// answer to each request a script decides: a status and body, or a dropped connection.
// Runs on a thread of its own, stopped and joined by the destructor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)

#include <boost/asio.hpp>

namespace gallery::fhir_out::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::string body;
};

struct ScriptedAnswer {
  int status = 201;
  std::string body;
  bool drop = false;        // close the connection without answering
  std::string retry_after;  // a Retry-After header, when not empty

  static ScriptedAnswer Status(int status, std::string body = "", std::string retry_after = "") {
    return {status, std::move(body), false, std::move(retry_after)};
  }
  static ScriptedAnswer Drop() { return {0, "", true, ""}; }
};

class ScriptedFhirServer {
 public:
  // `script` gets each request with its number (1, 2, ...) and may block: it runs on the
  // server's thread, and connections are served one request at a time.
  using Script = std::function<ScriptedAnswer(const SeenRequest&, int number)>;
  explicit ScriptedFhirServer(Script script);
  ~ScriptedFhirServer();
  ScriptedFhirServer(const ScriptedFhirServer&) = delete;
  ScriptedFhirServer& operator=(const ScriptedFhirServer&) = delete;

  uint16_t port() const { return port_; }
  // Every request so far, in arrival order. Thread-safe.
  std::vector<SeenRequest> seen() const;
  // Connections accepted so far. Thread-safe.
  int connections() const;

 private:
  class Connection;
  void Accept();

  Script script_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::vector<SeenRequest> seen_;
  int connections_ = 0;
  std::thread thread_;
};

}  // namespace gallery::fhir_out::testing
