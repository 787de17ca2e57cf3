#include "hub/server/publish_view.h"

#include <cstdint>

namespace gallery::server {
namespace {

// Tags from proto/gallery/v1/wire.proto.
constexpr uint64_t kFramePublish = (3 << 3) | 2;     // Frame.publish, length-delimited
constexpr uint64_t kPublishSequence = (1 << 3) | 0;  // Publish.sequence, varint
constexpr uint64_t kPublishRecord = (2 << 3) | 2;    // Publish.record, length-delimited

// Reads a varint at the front of `in`, consuming it; false when malformed or cut short.
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

// Reads a length-delimited field's content at the front of `in`, consuming it.
bool ReadBytes(std::string_view& in, std::string_view& bytes) {
  uint64_t size = 0;
  if (!ReadVarint(in, size) || size > in.size()) return false;
  bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

}  // namespace

std::optional<std::string_view> PublishedRecordBytes(std::string_view frame) {
  uint64_t tag = 0;
  std::string_view publish;
  if (!ReadVarint(frame, tag) || tag != kFramePublish || !ReadBytes(frame, publish) ||
      !frame.empty()) {
    return std::nullopt;
  }
  bool have_sequence = false;
  std::optional<std::string_view> record;
  while (!publish.empty()) {
    if (!ReadVarint(publish, tag)) return std::nullopt;
    if (tag == kPublishSequence && !have_sequence) {
      uint64_t sequence = 0;
      if (!ReadVarint(publish, sequence)) return std::nullopt;
      have_sequence = true;
    } else if (tag == kPublishRecord && !record) {
      std::string_view bytes;
      if (!ReadBytes(publish, bytes)) return std::nullopt;
      record = bytes;
    } else {
      return std::nullopt;  // repeated or unknown: the parsed message is the one to trust
    }
  }
  return record;
}

}  // namespace gallery::server
