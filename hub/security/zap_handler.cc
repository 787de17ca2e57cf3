#include "hub/security/zap_handler.h"

#include <array>
#include <cstring>
#include <chrono>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "hub/security/curve_key.h"

namespace gallery::security {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kMonitorEndpoint = "inproc://gallery.handshake-monitor";
constexpr auto kStopCheck = std::chrono::milliseconds(100);
// Frames of a ZAP request (RFC 27) before the mechanism's credentials.
enum ZapFrame { kVersion, kRequestId, kDomain, kAddress, kIdentity, kMechanism, kCredentials };
constexpr size_t kCurveKeyBytes = 32;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<ZapHandler>> ZapHandler::Start(zmq::context_t& context,
                                                      zmq::socket_t& server,
                                                      std::shared_ptr<const KeyTable> keys,
                                                      bool allow_plaintext, OnRefusal on_refusal) {
  zmq::socket_t socket(context, zmq::socket_type::rep);
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  try {
    socket.set(zmq::sockopt::linger, 0);
    socket.bind(kZapEndpoint);
    // A plain client and the hub each close on reading the other's mechanism: whichever
    // reads first reports the mismatch, the other only a failed handshake.
    if (zmq_socket_monitor(server.handle(), kMonitorEndpoint,
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0) {
      throw zmq::error_t();
    }
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(kMonitorEndpoint);
  } catch (const zmq::error_t& e) {
    return Unavailable(std::string("cannot start the authentication handler: ") + e.what());
  }
  return std::unique_ptr<ZapHandler>(new ZapHandler(std::move(socket), std::move(monitor),
                                                    std::move(keys), allow_plaintext,
                                                    std::move(on_refusal)));
}

ZapHandler::ZapHandler(zmq::socket_t socket, zmq::socket_t monitor,
                       std::shared_ptr<const KeyTable> keys, bool allow_plaintext,
                       OnRefusal on_refusal)
    : socket_(std::move(socket)),
      monitor_(std::move(monitor)),
      keys_(std::move(keys)),
      allow_plaintext_(allow_plaintext),
      on_refusal_(std::move(on_refusal)),
      thread_([this] { Serve(); }) {}

ZapHandler::~ZapHandler() {
  stop_.store(true);
  thread_.join();
}

void ZapHandler::SwapKeys(std::shared_ptr<const KeyTable> keys) {
  std::lock_guard lock(keys_mu_);
  keys_ = std::move(keys);
}

std::shared_ptr<const KeyTable> ZapHandler::keys() const {
  std::lock_guard lock(keys_mu_);
  return keys_;
}

void ZapHandler::Serve() {
  while (!stop_.load()) {
    try {
      zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                                 {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
      if (zmq::poll(items, 2, kStopCheck) == 0) continue;
      std::vector<zmq::message_t> request;
      if ((items[0].revents & ZMQ_POLLIN) != 0 &&
          zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait)) {
        Answer(request);
      }
      std::vector<zmq::message_t> event;
      if ((items[1].revents & ZMQ_POLLIN) != 0 &&
          zmq::recv_multipart(monitor_, std::back_inserter(event), zmq::recv_flags::dontwait)) {
        HandshakeFailed(event);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      if (e.num() != EINTR) spdlog::error("authentication handler: {}", e.what());
    }
  }
}

void ZapHandler::Answer(std::vector<zmq::message_t>& request) {
  if (request.size() < kCredentials) {
    // A REP socket must answer before it can read again; libzmq never sends this.
    spdlog::error("authentication handler: malformed request of {} frames", request.size());
    request.resize(kCredentials);
  }
  const std::string mechanism = request[kMechanism].to_string();
  const std::string address = request[kAddress].to_string();
  std::string status = "400";
  std::string user_id;
  std::string_view refusal;
  std::string key_prefix = "-";
  if (mechanism == "CURVE" && request.size() > kCredentials &&
      request[kCredentials].size() == kCurveKeyBytes) {
    std::array<char, kZ85KeyChars + 1> z85{};
    zmq_z85_encode(z85.data(), request[kCredentials].data<uint8_t>(), kCurveKeyBytes);
    key_prefix = KeyPrefix(z85.data());
    const KeyTable::Match match = keys()->Find(z85.data(), NowSeconds());
    switch (match.verdict) {
      case KeyTable::Verdict::kAccepted:
        status = "200";
        user_id = match.agency;
        break;
      case KeyTable::Verdict::kExpiredKey:
        refusal = kRefusedExpiredKey;
        break;
      case KeyTable::Verdict::kUnknownKey:
        refusal = kRefusedUnknownKey;
        break;
    }
  } else if (mechanism == "NULL" && allow_plaintext_) {
    status = "200";
  } else {
    refusal = kRefusedMechanism;
  }
  if (status == "200") {
    spdlog::debug("authenticated {} as '{}' (key {}...)", address, user_id, key_prefix);
  } else {
    spdlog::warn("refused connection from {}: {} (mechanism {}, key {}...)", address, refusal,
                 mechanism, key_prefix);
    if (on_refusal_) on_refusal_(refusal);
  }
  const std::array<std::string, 6> reply = {"1.0", request[kRequestId].to_string(), status,
                                            status == "200" ? "OK" : std::string(refusal),
                                            user_id, ""};
  for (size_t i = 0; i < reply.size(); ++i) {
    const auto flags = i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    (void)socket_.send(zmq::buffer(reply[i]), flags);
  }
}

void ZapHandler::HandshakeFailed(const std::vector<zmq::message_t>& event) {
  // A monitor event: 16-bit event id and 32-bit value, then the peer's address.
  constexpr size_t kEventBytes = sizeof(uint16_t) + sizeof(uint32_t);
  if (event.size() < 2 || event[0].size() < kEventBytes) return;
  uint16_t id = 0;
  uint32_t error = 0;
  std::memcpy(&id, event[0].data<char>(), sizeof(id));
  std::memcpy(&error, event[0].data<char>() + sizeof(id), sizeof(error));
  const bool mismatch = id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                        error == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH;
  const std::string_view reason = mismatch ? kRefusedMechanism : kRefusedHandshake;
  // The monitor names the hub's endpoint, not the peer: libzmq does not say who it was.
  spdlog::warn("refused a connection on {}: {} (handshake error {:#x})", event[1].to_string(),
               reason, error);
  if (on_refusal_) on_refusal_(reason);
}

}  // namespace gallery::security
