// Wall-clock time as stored in journals, dead letters and audit: microseconds since the epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace gallery {

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace gallery
