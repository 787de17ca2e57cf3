#include "hub/server/in_flight.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace gallery::server {

void InFlight::Add(uint64_t id, Clock::time_point sent) {
  if (head_ < entries_.size() && entries_.back().id >= id) {
    std::fprintf(stderr, "%s:%d: delivery %llu sent out of order\n", __FILE__, __LINE__,
                 static_cast<unsigned long long>(id));
    std::abort();
  }
  entries_.push_back({id, sent, false});
  ++live_;
}

size_t InFlight::Find(uint64_t id) const {
  const auto begin = entries_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto it = std::lower_bound(begin, entries_.end(), id,
                                   [](const Entry& e, uint64_t value) { return e.id < value; });
  if (it == entries_.end() || it->id != id || it->gone) return kNone;
  return static_cast<size_t>(it - entries_.begin());
}

bool InFlight::Erase(uint64_t id, Clock::time_point* sent) {
  const size_t i = Find(id);
  if (i == kNone) return false;
  if (sent != nullptr) *sent = entries_[i].sent;
  entries_[i].gone = true;
  --live_;
  Trim();
  return true;
}

void InFlight::clear() {
  entries_.clear();
  head_ = 0;
  live_ = 0;
}

void InFlight::Trim() {
  while (head_ < entries_.size() && entries_[head_].gone) ++head_;
  if (head_ == entries_.size()) {
    clear();
    return;
  }
  // Acks usually come in order, so the front empties and the vector is reused from its
  // start. When an old delivery stays unacked behind many acked ones, compact instead of
  // growing: the vector stays within a small multiple of what is in flight.
  const size_t held = entries_.size() - head_;
  if (head_ > held || held > 2 * live_ + 1024) {
    auto kept = std::remove_if(entries_.begin() + static_cast<std::ptrdiff_t>(head_),
                               entries_.end(), [](const Entry& e) { return e.gone; });
    entries_.erase(kept, entries_.end());
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace gallery::server
