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

  const size_t frame_bytes = kFrameHeaderBytes + page_size;
  size_t committed_end = kWalHeaderBytes;
  uint64_t frames = 0;
  for (size_t at = kWalHeaderBytes; at + frame_bytes <= wal.size(); at += frame_bytes) {
    const unsigned char* frame = wal.data() + at;
    if (BigEndian32(frame + 8) != salt1 || BigEndian32(frame + 12) != salt2) break;
    Checksum(frame, 8, big_endian, s0, s1);
    Checksum(frame + kFrameHeaderBytes, page_size, big_endian, s0, s1);
    if (s0 != BigEndian32(frame + 16) || s1 != BigEndian32(frame + 20)) break;
    ++frames;
    if (BigEndian32(frame + 4) != 0) {  // "database size after commit": a commit frame
      tail.committed_frames = frames;
      committed_end = at + frame_bytes;
    }
  }
  tail.dropped_frames = (wal.size() - committed_end) / frame_bytes;
  tail.dropped_bytes = wal.size() - committed_end;
  return tail;
}

}  // namespace gallery::store
