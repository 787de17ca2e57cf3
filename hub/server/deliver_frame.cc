#include "hub/server/deliver_frame.h"

namespace gallery::server {
namespace {

// Field numbers from proto/gallery/v1/wire.proto.
constexpr uint32_t kFrameDeliver = 7;
constexpr uint32_t kDeliverId = 1;
constexpr uint32_t kDeliverRecord = 2;
constexpr uint32_t kDeliverRuleIds = 3;
constexpr uint32_t kDeliverRedelivered = 4;
constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void PutTag(std::string& out, uint32_t field, uint32_t wire_type) {
  PutVarint(out, (static_cast<uint64_t>(field) << 3) | wire_type);
}

void PutBytes(std::string& out, uint32_t field, std::string_view bytes) {
  PutTag(out, field, kLengthDelimited);
  PutVarint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

std::string EncodeDeliverFrame(uint64_t delivery_id, std::string_view record_bytes,
                               const std::vector<std::string>& rule_ids, bool redelivered) {
  std::string deliver;
  deliver.reserve(record_bytes.size() + 64);
  PutTag(deliver, kDeliverId, kVarint);
  PutVarint(deliver, delivery_id);
  PutBytes(deliver, kDeliverRecord, record_bytes);
  for (const auto& rule_id : rule_ids) PutBytes(deliver, kDeliverRuleIds, rule_id);
  if (redelivered) {
    PutTag(deliver, kDeliverRedelivered, kVarint);
    PutVarint(deliver, 1);
  }
  std::string frame;
  frame.reserve(deliver.size() + 8);
  PutBytes(frame, kFrameDeliver, deliver);
  return frame;
}

}  // namespace gallery::server
