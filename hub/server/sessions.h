// The hub's view of who is connected: sessions by ZeroMQ routing id, and each agency's
// live subscription with its deliveries in flight.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hub/server/in_flight.h"

namespace gallery::server {

using Clock = std::chrono::steady_clock;

// One connected client, from its Hello until it goes silent.
struct Session {
  std::string agency;
  Clock::time_point last_heard;
  bool batches = false;  // reads ConfirmBatch and DeliverBatch (Hello.accepts_batches)
};

// The one live subscription of an agency (the newest Subscribe wins).
struct Subscription {
  std::string routing_id;  // the session receiving this agency's deliveries
  bool batches = false;    // the session reads DeliverBatch frames
  uint32_t window = 0;     // unacked deliveries allowed in flight
  uint64_t cursor = 0;     // highest delivery id sent on this subscription
  InFlight in_flight;      // delivery id -> last sent
  bool may_have_more = true;  // the store may hold deliveries beyond `cursor`
  Clock::time_point paused_until;  // backoff after a refusal: nothing is sent before this
};

}  // namespace gallery::server
