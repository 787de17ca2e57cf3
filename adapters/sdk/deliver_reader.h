// Reads Deliver and DeliverBatch frames entry by entry without building the frame as a
// message: each record is parsed straight into the caller's Delivery, so a subscriber
// allocates per delivery only what it hands out.
#pragma once

#include <string_view>

#include "adapters/sdk/subscriber.h"

namespace gallery::sdk {

// True when `frame` (a serialized gallery.v1.Frame) holds a Deliver or a DeliverBatch, by
// its first byte; DeliverReader then reads it.
bool IsDeliveryFrame(std::string_view frame);

// Not thread-safe. The bytes given to Reset must outlive the reading.
class DeliverReader {
 public:
  // Starts reading `frame`. False when it is not a Deliver or DeliverBatch frame, or its
  // outer structure is malformed.
  bool Reset(std::string_view frame);

  // Reads the next entry into `delivery` (overwriting it). False at the end of the frame,
  // and when the rest of it is malformed (which ends the frame: its deliveries come again).
  bool Next(Delivery& delivery);

 private:
  std::string_view rest_;  // entries not read yet: Deliver messages, each length-prefixed
                           // in a batch, or one bare Deliver
  bool batch_ = false;
};

}  // namespace gallery::sdk
