#include "hub/server/flow_rates.h"

namespace gallery::server {

uint64_t FlowRates::ValueOf(const Totals& totals, const std::string& key) {
  const auto it = totals.find(key);
  return it == totals.end() ? 0 : it->second;
}

void FlowRates::Sample(Clock::time_point now, Totals totals) {
  const Totals* previous = points_.empty() ? nullptr : &points_.back().totals;
  for (const auto& [key, value] : totals) {
    if (value > (previous == nullptr ? 0 : ValueOf(*previous, key))) last_increase_[key] = now;
  }
  points_.push_back(Point{now, std::move(totals)});
  while (points_.size() > 2 && points_[1].at <= now - window_) points_.pop_front();
}

double FlowRates::PerSecond(const std::string& key) const {
  if (points_.size() < 2) return 0;
  const Point& oldest = points_.front();
  const Point& newest = points_.back();
  const double seconds = std::chrono::duration<double>(newest.at - oldest.at).count();
  if (seconds <= 0) return 0;
  const uint64_t before = ValueOf(oldest.totals, key);
  const uint64_t after = ValueOf(newest.totals, key);
  return after > before ? static_cast<double>(after - before) / seconds : 0;
}

std::optional<Clock::time_point> FlowRates::LastIncrease(const std::string& key) const {
  const auto it = last_increase_.find(key);
  if (it == last_increase_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gallery::server
