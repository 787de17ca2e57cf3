// Journal framing (after leveldb doc/log_format.md, without its 32 KiB blocks): each entry
// is a 9-byte header, masked CRC32C (4, little-endian) | body length (4) | type (1), then
// the body. The CRC covers the type and the body. The type's high bit marks the last entry
// of a commit: recovery applies a commit only once it has read that entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gallery::store {

inline constexpr size_t kFrameHeaderSize = 9;
inline constexpr uint8_t kCommitEnd = 0x80;
// Larger bodies are refused on write and taken for corruption on read.
inline constexpr uint32_t kMaxFrameBody = 1u << 30;

// The kinds of entry (the type's low 7 bits).
enum class EntryKind : uint8_t {
  kRecord = 1,      // a record with its deliveries and withholdings
  kAcks = 2,        // deliveries acknowledged, per recipient
  kDeadLetter = 3,  // a delivery taken out of its queue into the dead letters
  kRetry = 4,       // a dead letter requeued under a new delivery id
  kDrop = 5,        // a dead letter given up
  kPurge = 6,       // records whose payloads retention removed
  kRegistryFacts = 7,  // what the record before it taught the registry; never purged
  kAudit = 8,          // audit log entries (Store::AuditEntries); never purged
};

// Starts a frame at the end of `out`; returns its offset for FinishFrame. The caller then
// appends the body to `out`.
inline size_t BeginFrame(std::string& out) {
  const size_t at = out.size();
  out.append(kFrameHeaderSize, '\0');
  return at;
}

// Fills in the header of the frame begun at `at`, whose body runs to the end of `out`.
void FinishFrame(std::string& out, size_t at, EntryKind kind, bool ends_commit);

struct Frame {
  EntryKind kind = EntryKind::kRecord;
  bool ends_commit = false;
  std::string_view body;
  size_t size = 0;  // header and body
};

enum class FrameRead {
  kOk,
  kEnd,        // no bytes left
  kTruncated,  // a header or body cut short by the end of the data
  kCorrupt,    // checksum mismatch, or an impossible length or type
};

// Reads the frame at `offset` of `data` into `frame`. Thread-safe; pure.
FrameRead ReadFrame(std::string_view data, size_t offset, Frame& frame);

// As ReadFrame, for frames this process has just framed itself: the checksum is not
// computed again.
FrameRead ReadOwnFrame(std::string_view data, size_t offset, Frame& frame);

}  // namespace gallery::store
