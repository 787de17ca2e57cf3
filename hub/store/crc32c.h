// CRC32C (Castagnoli), the checksum of journal entries, as leveldb's log format uses it.
// Computed with the SSE4.2 crc32 instruction where the CPU has it, else with a table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gallery::store::crc32c {

// The CRC32C of `data` continuing from `crc` (the CRC32C of the bytes before it; 0 to
// start). Thread-safe; pure.
uint32_t Extend(uint32_t crc, const char* data, size_t size);

inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// A CRC stored next to the data it covers is masked, so that the CRC of a string holding
// CRCs stays well distributed (leveldb util/crc32c.h).
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

// True when Extend uses the SSE4.2 instruction on this CPU (for tests and diagnostics).
bool IsAccelerated();

// The portable computation, whatever the CPU (for tests).
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t size);

}  // namespace gallery::store::crc32c
