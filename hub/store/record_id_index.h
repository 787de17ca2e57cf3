// RecordIdIndex: which records a journal holds, by a 64-bit hash of their ids, in 16 bytes
// per record. A hash names candidates only: the caller confirms one by reading its id back.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace gallery::store {

// Open addressing, linear probing. Not thread-safe.
class RecordIdIndex {
 public:
  static uint64_t Hash(std::string_view record_id);

  // Notes that record `seq` (> 0) has an id hashing to `hash`.
  void Insert(uint64_t hash, uint64_t seq);

  // Calls `confirm(seq)` for each record whose id hashes to `hash` until it returns true;
  // returns that seq, or 0.
  template <typename Confirm>
  uint64_t Find(uint64_t hash, const Confirm& confirm) const {
    if (slots_.empty()) return 0;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.seq == 0) return 0;
      if (slot.hash == hash && confirm(slot.seq)) return slot.seq;
    }
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t seq = 0;  // 0: empty
  };
  void Grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace gallery::store
