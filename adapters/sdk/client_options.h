// Connection settings shared by the SDK's Publisher and Subscriber.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gallery::sdk {

struct ClientOptions {
  std::string endpoint;                  // hub endpoint, e.g. "tcp://127.0.0.1:5555"
  std::string agency;                    // this agency's id in the hub's config
  std::string client_name = "gallery-sdk";
  // Unconfirmed records are sent again after this long without a confirm (same record id,
  // so the hub stores them once).
  std::chrono::milliseconds confirm_timeout{5000};
  // The hub is presumed gone after this long without any frame; the client reconnects.
  std::chrono::milliseconds hub_silence_timeout{3000};
  std::chrono::milliseconds heartbeat_interval{1000};  // the hub's, if it asks for less
  size_t max_in_flight = 2000;           // Publisher: unconfirmed records at most
  // Publisher::Send gives up with kUnavailable after waiting this long for room.
  std::chrono::milliseconds send_timeout{30000};
  uint32_t window = 0;                   // Subscriber: unacked deliveries; 0 = hub default
  // CurveZMQ, all three Z85 (LoadClientKeys reads them from key files). When empty the
  // client speaks plain ZeroMQ, which only a hub with security.allow_plaintext accepts.
  std::string curve_server_public_key;   // the hub's public key
  std::string curve_public_key;          // this agency's public key
  std::string curve_secret_key;          // this agency's secret key
};

}  // namespace gallery::sdk
