// ZapHandler: the ZeroMQ authentication (ZAP, RFC 27) handler of hubd's context. It admits
// a CURVE client whose public key an agency holds and is valid now, and names that agency
// as the connection's User-Id; every other client is refused, counted and logged.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include <zmq.hpp>

#include "hub/common/result.h"
#include "hub/security/key_table.h"

namespace gallery::security {

// Why a client was refused, as the `reason` label of gallery_auth_refusals_total.
inline constexpr std::string_view kRefusedUnknownKey = "unknown_key";
inline constexpr std::string_view kRefusedExpiredKey = "expired_key";
inline constexpr std::string_view kRefusedMechanism = "mechanism";  // e.g. a plain client
// Any other failed handshake: a wrong hub key, a peer closing mid-handshake.
inline constexpr std::string_view kRefusedHandshake = "handshake";

class ZapHandler {
 public:
  // Called on the handler's thread for each refusal; must be thread-safe and quick.
  using OnRefusal = std::function<void(std::string_view reason)>;

  // Binds inproc://zeromq.zap.01 on `context` and answers on a thread of its own. Start it
  // before `server` binds: a CURVE server finding no handler admits every client. Also
  // watches `server`'s handshakes, to count and log those that fail before authentication
  // (a client without CURVE, or with another hub's key). `allow_plaintext` admits clients
  // without CURVE (no User-Id). kUnavailable when the address is taken (another handler on
  // this context). `context` and `server` must outlive it; call on `server`'s thread.
  static Result<std::unique_ptr<ZapHandler>> Start(zmq::context_t& context,
                                                   zmq::socket_t& server,
                                                   std::shared_ptr<const KeyTable> keys,
                                                   bool allow_plaintext, OnRefusal on_refusal);
  // Stops and joins the thread; requests after that go unanswered.
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Takes effect from the next handshake. Thread-safe.
  void SwapKeys(std::shared_ptr<const KeyTable> keys);

 private:
  ZapHandler(zmq::socket_t socket, zmq::socket_t monitor, std::shared_ptr<const KeyTable> keys,
             bool allow_plaintext, OnRefusal on_refusal);
  void Serve();
  // Answers one request, already read off the socket.
  void Answer(std::vector<zmq::message_t>& request);
  // Counts and logs one failed handshake event, already read off the monitor.
  void HandshakeFailed(const std::vector<zmq::message_t>& event);
  std::shared_ptr<const KeyTable> keys() const;

  zmq::socket_t socket_;   // used only by thread_ once started
  zmq::socket_t monitor_;  // the server's handshake failures; likewise
  mutable std::mutex keys_mu_;
  std::shared_ptr<const KeyTable> keys_;  // guarded by keys_mu_
  const bool allow_plaintext_;
  const OnRefusal on_refusal_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace gallery::security
