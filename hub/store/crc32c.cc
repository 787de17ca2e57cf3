#include "hub/store/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace gallery::store::crc32c {
namespace {

constexpr uint32_t kPolynomial = 0x82f63b78u;  // reflected Castagnoli polynomial

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? kPolynomial : 0u);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data,
                                                       size_t size) {
  uint64_t state = ~crc;
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    state = _mm_crc32_u64(state, word);
    data += 8;
    size -= 8;
  }
  auto narrow = static_cast<uint32_t>(state);
  while (size > 0) {
    narrow = _mm_crc32_u8(narrow, static_cast<uint8_t>(*data));
    ++data;
    --size;
  }
  return ~narrow;
}

bool CpuHasSse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}

const bool kAccelerated = CpuHasSse42();
#else
const bool kAccelerated = false;
#endif

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t size) {
  uint32_t state = ~crc;
  for (size_t i = 0; i < size; ++i) {
    state = kTable[(state ^ static_cast<uint8_t>(data[i])) & 0xffu] ^ (state >> 8);
  }
  return ~state;
}

uint32_t Extend(uint32_t crc, const char* data, size_t size) {
#if defined(__x86_64__)
  if (kAccelerated) return ExtendSse42(crc, data, size);
#endif
  return ExtendPortable(crc, data, size);
}

bool IsAccelerated() { return kAccelerated; }

}  // namespace gallery::store::crc32c
