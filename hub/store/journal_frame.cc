#include "hub/store/journal_frame.h"

#include <cstring>

#include "hub/store/crc32c.h"

namespace gallery::store {
namespace {

void PutFixed32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

uint32_t GetFixed32(const char* in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i)
    value |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return value;
}

bool KnownKind(uint8_t kind) {
  return kind >= static_cast<uint8_t>(EntryKind::kRecord) &&
         kind <= static_cast<uint8_t>(EntryKind::kAudit);
}

}  // namespace

void FinishFrame(std::string& out, size_t at, EntryKind kind, bool ends_commit) {
  char* header = out.data() + at;
  const size_t body_size = out.size() - at - kFrameHeaderSize;
  header[8] = static_cast<char>(static_cast<uint8_t>(kind) | (ends_commit ? kCommitEnd : 0));
  PutFixed32(header + 4, static_cast<uint32_t>(body_size));
  // The type byte sits right before the body: one pass covers both.
  PutFixed32(header, crc32c::Mask(crc32c::Extend(0, header + 8, body_size + 1)));
}

namespace {

FrameRead Read(std::string_view data, size_t offset, Frame& frame, bool verify) {
  if (offset >= data.size()) return FrameRead::kEnd;
  if (data.size() - offset < kFrameHeaderSize) return FrameRead::kTruncated;
  const char* header = data.data() + offset;
  const uint32_t length = GetFixed32(header + 4);
  const auto type = static_cast<uint8_t>(header[8]);
  if (length > kMaxFrameBody || !KnownKind(type & ~kCommitEnd)) return FrameRead::kCorrupt;
  if (data.size() - offset - kFrameHeaderSize < length) return FrameRead::kTruncated;
  const uint32_t expected = crc32c::Unmask(GetFixed32(header));
  if (verify && crc32c::Extend(0, header + 8, size_t{length} + 1) != expected) {
    return FrameRead::kCorrupt;
  }
  frame.kind = static_cast<EntryKind>(type & ~kCommitEnd);
  frame.ends_commit = (type & kCommitEnd) != 0;
  frame.body = data.substr(offset + kFrameHeaderSize, length);
  frame.size = kFrameHeaderSize + length;
  return FrameRead::kOk;
}

}  // namespace

FrameRead ReadFrame(std::string_view data, size_t offset, Frame& frame) {
  return Read(data, offset, frame, /*verify=*/true);
}

FrameRead ReadOwnFrame(std::string_view data, size_t offset, Frame& frame) {
  return Read(data, offset, frame, /*verify=*/false);
}

}  // namespace gallery::store
