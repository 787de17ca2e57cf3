#include "hub/server/outgoing_frames.h"

#include <cstdio>
#include <cstdlib>

namespace gallery::server {
namespace {

// Field numbers from proto/gallery/v1/wire.proto.
constexpr uint32_t kFrameConfirm = 4;
constexpr uint32_t kFrameDeliver = 7;
constexpr uint32_t kFrameConfirmBatch = 11;
constexpr uint32_t kFrameDeliverBatch = 12;
constexpr uint32_t kBatchEntries = 1;  // ConfirmBatch.confirms, DeliverBatch.deliveries
constexpr uint32_t kConfirmSequence = 1;
constexpr uint32_t kConfirmRecordId = 2;
constexpr uint32_t kConfirmDuplicate = 3;
constexpr uint32_t kDeliverId = 1;
constexpr uint32_t kDeliverRecord = 2;
constexpr uint32_t kDeliverRuleIds = 3;
constexpr uint32_t kDeliverRedelivered = 4;
constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

size_t VarintSize(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

size_t TagSize(uint32_t field) { return VarintSize(uint64_t{field} << 3); }

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

size_t BytesSize(uint32_t field, size_t size) { return TagSize(field) + VarintSize(size) + size; }

}  // namespace

void OutgoingFrame::Start(Kind kind, bool batch) {
  batch_ = batch;
  if (kind == Kind::kConfirm) {
    frame_field_ = batch ? kFrameConfirmBatch : kFrameConfirm;
  } else {
    frame_field_ = batch ? kFrameDeliverBatch : kFrameDeliver;
  }
  entries_ = 0;
  buffer_.assign(kHeaderRoom, '\0');
}

void OutgoingFrame::AddConfirm(uint64_t sequence, std::string_view record_id, bool duplicate) {
  // Confirm's fields are proto3 scalars: zero, empty and false are not written.
  size_t body = 0;
  if (sequence != 0) body += TagSize(kConfirmSequence) + VarintSize(sequence);
  if (!record_id.empty()) body += BytesSize(kConfirmRecordId, record_id.size());
  if (duplicate) body += TagSize(kConfirmDuplicate) + 1;
  if (batch_) {
    PutTag(buffer_, kBatchEntries, kLengthDelimited);
    PutVarint(buffer_, body);
  }
  if (sequence != 0) {
    PutTag(buffer_, kConfirmSequence, kVarint);
    PutVarint(buffer_, sequence);
  }
  if (!record_id.empty()) PutBytes(buffer_, kConfirmRecordId, record_id);
  if (duplicate) {
    PutTag(buffer_, kConfirmDuplicate, kVarint);
    PutVarint(buffer_, 1);
  }
  ++entries_;
}

void OutgoingFrame::AddDeliver(uint64_t delivery_id, std::string_view record_bytes,
                               const std::vector<std::string>& rule_ids, bool redelivered) {
  // The record is written even when empty, as protobuf writes a present sub-message.
  size_t body = BytesSize(kDeliverRecord, record_bytes.size());
  if (delivery_id != 0) body += TagSize(kDeliverId) + VarintSize(delivery_id);
  for (const auto& rule_id : rule_ids) body += BytesSize(kDeliverRuleIds, rule_id.size());
  if (redelivered) body += TagSize(kDeliverRedelivered) + 1;
  buffer_.reserve(buffer_.size() + body + 8);
  if (batch_) {
    PutTag(buffer_, kBatchEntries, kLengthDelimited);
    PutVarint(buffer_, body);
  }
  if (delivery_id != 0) {
    PutTag(buffer_, kDeliverId, kVarint);
    PutVarint(buffer_, delivery_id);
  }
  PutBytes(buffer_, kDeliverRecord, record_bytes);
  for (const auto& rule_id : rule_ids) PutBytes(buffer_, kDeliverRuleIds, rule_id);
  if (redelivered) {
    PutTag(buffer_, kDeliverRedelivered, kVarint);
    PutVarint(buffer_, 1);
  }
  ++entries_;
}

std::string_view OutgoingFrame::Finish() {
  if (entries_ == 0 || (!batch_ && entries_ != 1)) {
    std::fprintf(stderr, "%s:%d: frame finished with %zu entries\n", __FILE__, __LINE__, entries_);
    std::abort();
  }
  const size_t body = buffer_.size() - kHeaderRoom;
  std::string header;
  PutTag(header, frame_field_, kLengthDelimited);
  PutVarint(header, body);  // at most 2 + 10 bytes: fits in kHeaderRoom
  const size_t start = kHeaderRoom - header.size();
  buffer_.replace(start, header.size(), header);
  return std::string_view(buffer_).substr(start);
}

}  // namespace gallery::server
