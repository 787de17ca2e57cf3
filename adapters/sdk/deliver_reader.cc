#include "adapters/sdk/deliver_reader.h"

#include <cstdint>

namespace gallery::sdk {
namespace {

// Tags and field numbers from proto/gallery/v1/wire.proto.
constexpr uint64_t kFrameDeliverTag = (7 << 3) | 2;
constexpr uint64_t kFrameDeliverBatchTag = (12 << 3) | 2;
constexpr uint64_t kBatchEntryTag = (1 << 3) | 2;  // DeliverBatch.deliveries
constexpr uint32_t kDeliverId = 1;
constexpr uint32_t kDeliverRecord = 2;
constexpr uint32_t kDeliverRuleIds = 3;
constexpr uint32_t kDeliverRedelivered = 4;
constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

bool ReadVarint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool ReadBytes(std::string_view& in, std::string_view& bytes) {
  uint64_t size = 0;
  if (!ReadVarint(in, size) || size > in.size()) return false;
  bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

// Skips a field of an unknown number, as protobuf would; false when malformed.
bool Skip(std::string_view& in, uint32_t wire_type) {
  uint64_t ignored = 0;
  std::string_view bytes;
  switch (wire_type) {
    case kVarint: return ReadVarint(in, ignored);
    case kFixed64:
      if (in.size() < 8) return false;
      in.remove_prefix(8);
      return true;
    case kLengthDelimited: return ReadBytes(in, bytes);
    case kFixed32:
      if (in.size() < 4) return false;
      in.remove_prefix(4);
      return true;
    default: return false;  // groups are not used by gallery.v1
  }
}

// Parses one Deliver message's bytes into `delivery`, as Deliver::ParseFromArray would
// (a repeated scalar field's last value wins; a repeated record is merged).
bool ParseDeliver(std::string_view in, Delivery& delivery) {
  delivery.delivery_id = 0;
  delivery.record.Clear();
  delivery.rule_ids.clear();
  delivery.redelivered = false;
  bool have_record = false;
  while (!in.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(in, tag)) return false;
    const auto field = static_cast<uint32_t>(tag >> 3);
    const auto wire_type = static_cast<uint32_t>(tag & 7);
    uint64_t value = 0;
    std::string_view bytes;
    if (field == kDeliverId && wire_type == kVarint) {
      if (!ReadVarint(in, value)) return false;
      delivery.delivery_id = value;
    } else if (field == kDeliverRecord && wire_type == kLengthDelimited) {
      if (!ReadBytes(in, bytes)) return false;
      const int size = static_cast<int>(bytes.size());
      if (!have_record) {
        if (!delivery.record.ParseFromArray(bytes.data(), size)) return false;
        have_record = true;
      } else {
        v1::Record more;  // a record field given twice is merged, as protobuf does
        if (!more.ParseFromArray(bytes.data(), size)) return false;
        delivery.record.MergeFrom(more);
      }
    } else if (field == kDeliverRuleIds && wire_type == kLengthDelimited) {
      if (!ReadBytes(in, bytes)) return false;
      delivery.rule_ids.emplace_back(bytes);
    } else if (field == kDeliverRedelivered && wire_type == kVarint) {
      if (!ReadVarint(in, value)) return false;
      delivery.redelivered = value != 0;
    } else if (!Skip(in, wire_type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsDeliveryFrame(std::string_view frame) {
  return !frame.empty() && (static_cast<uint8_t>(frame.front()) == kFrameDeliverTag ||
                            static_cast<uint8_t>(frame.front()) == kFrameDeliverBatchTag);
}

bool DeliverReader::Reset(std::string_view frame) {
  rest_ = {};
  uint64_t tag = 0;
  std::string_view body;
  if (!ReadVarint(frame, tag) || !ReadBytes(frame, body) || !frame.empty()) return false;
  if (tag != kFrameDeliverTag && tag != kFrameDeliverBatchTag) return false;
  batch_ = tag == kFrameDeliverBatchTag;
  rest_ = body;
  return true;
}

bool DeliverReader::Next(Delivery& delivery) {
  while (!rest_.empty()) {
    std::string_view entry;
    if (batch_) {
      uint64_t tag = 0;
      if (!ReadVarint(rest_, tag)) break;
      if (tag != kBatchEntryTag) {
        if (!Skip(rest_, static_cast<uint32_t>(tag & 7))) break;
        continue;  // a field this client does not know
      }
      if (!ReadBytes(rest_, entry)) break;
    } else {
      entry = rest_;
      rest_ = {};
    }
    if (!ParseDeliver(entry, delivery)) break;
    return true;
  }
  rest_ = {};
  return false;
}

}  // namespace gallery::sdk
