#include "hub/store/sqlite_wal_check.h"

#include <array>
#include <fstream>
#include <vector>

namespace gallery::store {
namespace {

constexpr size_t kWalHeaderBytes = 32;
constexpr size_t kFrameHeaderBytes = 24;

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint32_t LittleEndian32(const unsigned char* p) {
  return (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[0]};
}

// SQLite's WAL checksum: over 32-bit words, continuing from (s0, s1).
void Checksum(const unsigned char* data, size_t size, bool big_endian, uint32_t& s0, uint32_t& s1) {
  for (size_t i = 0; i + 8 <= size; i += 8) {
    const uint32_t x0 = big_endian ? BigEndian32(data + i) : LittleEndian32(data + i);
    const uint32_t x1 = big_endian ? BigEndian32(data + i + 4) : LittleEndian32(data + i + 4);
    s0 += x0 + s1;
    s1 += x1 + s0;
  }
}

}  // namespace

Result<WalTail> InspectWal(const std::string& wal_path) {
  std::ifstream in(wal_path, std::ios::binary);
  WalTail tail;
  if (!in) return tail;
  const std::vector<unsigned char> wal((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  if (wal.empty()) return tail;
  if (wal.size() < kWalHeaderBytes) return DataLoss(wal_path + ": WAL header is torn");
  const uint32_t magic = BigEndian32(wal.data());
  if (magic != 0x377f0682 && magic != 0x377f0683) return DataLoss(wal_path + ": not an SQLite WAL");
  const bool big_endian = (magic & 1) != 0;
  const uint32_t page_size = BigEndian32(wal.data() + 8);
  const uint32_t salt1 = BigEndian32(wal.data() + 16);
  const uint32_t salt2 = BigEndian32(wal.data() + 20);
  uint32_t s0 = 0;
  uint32_t s1 = 0;
  Checksum(wal.data(), 24, big_endian, s0, s1);
  if (s0 != BigEndian32(wal.data() + 24) || s1 != BigEndian32(wal.data() + 28) || page_size < 512) {
    // SQLite ignores a WAL whose header is bad: nothing in it is recovered.
    tail.dropped_bytes = wal.size();
    return tail;
  }

  // Frames that carry this WAL's salts and chain the checksum belong to the current
  // cycle. Those after the last commit frame are an unfinished transaction; a frame cut
  // short, or one with this cycle's salts but a broken checksum, is a torn write. Whole
  // frames with other salts are leftovers of an earlier cycle, ignored by SQLite and not
  // reported.
  const size_t frame_bytes = kFrameHeaderBytes + page_size;
  size_t committed_end = kWalHeaderBytes;
  size_t valid_end = kWalHeaderBytes;
  uint64_t frames = 0;
  for (; valid_end + frame_bytes <= wal.size(); valid_end += frame_bytes) {
    const unsigned char* frame = wal.data() + valid_end;
    if (BigEndian32(frame + 8) != salt1 || BigEndian32(frame + 12) != salt2) break;
    uint32_t c0 = s0;
    uint32_t c1 = s1;
    Checksum(frame, 8, big_endian, c0, c1);
    Checksum(frame + kFrameHeaderBytes, page_size, big_endian, c0, c1);
    if (c0 != BigEndian32(frame + 16) || c1 != BigEndian32(frame + 20)) {
      tail.dropped_bytes += frame_bytes;  // this cycle's frame, torn
      break;
    }
    s0 = c0;
    s1 = c1;
    ++frames;
    if (BigEndian32(frame + 4) != 0) {  // "database size after commit": a commit frame
      tail.committed_frames = frames;
      committed_end = valid_end + frame_bytes;
    }
  }
  tail.dropped_frames = frames - tail.committed_frames;
  tail.dropped_bytes += valid_end - committed_end;
  // A partial frame at the end can only be an append cut short.
  if ((wal.size() - kWalHeaderBytes) % frame_bytes != 0) {
    tail.dropped_bytes += (wal.size() - kWalHeaderBytes) % frame_bytes;
  }
  return tail;
}

}  // namespace gallery::store
