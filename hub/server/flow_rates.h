// FlowRates: per-second rates of the hub's own counters over a sliding window (~10 s), from
// samples the hub takes about once a second, and when each counter last went up.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "hub/server/sessions.h"

namespace gallery::server {

// Not thread-safe; the hub samples and reads it on its one thread.
class FlowRates {
 public:
  // Cumulative counter values by a key the caller chooses (e.g. "flow\nsource\nrecipient").
  using Totals = std::map<std::string, uint64_t>;

  explicit FlowRates(Clock::duration window = std::chrono::seconds(10)) : window_(window) {}

  // Records the counters' values at `now`; `now` must not go back. Keeps the newest sample
  // at or before now - window and every later one.
  void Sample(Clock::time_point now, Totals totals);

  // The increase of `key` per second from the oldest kept sample to the newest; 0 before
  // two samples. A key missing from a sample counts as 0 there (counters start at 0).
  double PerSecond(const std::string& key) const;

  // When `key` was last seen higher than in the sample before; a key's first non-zero
  // value counts as an increase, as counters start at 0 with the process. nullopt: never.
  std::optional<Clock::time_point> LastIncrease(const std::string& key) const;

 private:
  struct Point {
    Clock::time_point at;
    Totals totals;
  };
  static uint64_t ValueOf(const Totals& totals, const std::string& key);

  Clock::duration window_;
  std::deque<Point> points_;
  std::map<std::string, Clock::time_point> last_increase_;
};

}  // namespace gallery::server
