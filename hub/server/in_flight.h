// InFlight: one subscription's deliveries sent and not yet acked, with when each was sent.
// Kept flat, in the order sent, so that sending and acking allocate nothing per delivery.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gallery::server {

// Not thread-safe. Ids are added in increasing order between clear()s, as a subscription
// sends its queue forward and starts over from the oldest unacked delivery after a rewind.
class InFlight {
 public:
  using Clock = std::chrono::steady_clock;

  // `id` must be greater than every id added since the last clear(); aborts otherwise.
  void Add(uint64_t id, Clock::time_point sent);
  // Takes `id` out; false when it was not in flight. Sets `*sent` to when it was sent.
  bool Erase(uint64_t id, Clock::time_point* sent = nullptr);
  bool contains(uint64_t id) const { return Find(id) != kNone; }
  // Deliveries in flight.
  size_t size() const { return live_; }
  void clear();

  // Calls fn(id, sent) for each delivery in flight, in id order. `fn` must not change this.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = head_; i < entries_.size(); ++i) {
      if (!entries_[i].gone) fn(entries_[i].id, entries_[i].sent);
    }
  }

 private:
  struct Entry {
    uint64_t id;
    Clock::time_point sent;
    bool gone;  // acked or otherwise taken out
  };
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // Index of the live entry for `id`, or kNone.
  size_t Find(uint64_t id) const;
  // Drops taken-out entries from the front, and compacts once they make up most of it.
  void Trim();

  std::vector<Entry> entries_;  // from head_ on, in id order
  size_t head_ = 0;
  size_t live_ = 0;
};

}  // namespace gallery::server
