#include "hub/store/record_id_index.h"

namespace gallery::store {

uint64_t RecordIdIndex::Hash(std::string_view record_id) {
  // FNV-1a, then a finalizer (splitmix64's) so that the low bits, which pick the slot, mix
  // every byte.
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : record_id) hash = (hash ^ c) * 1099511628211ull;
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ull;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebull;
  return hash ^ (hash >> 31);
}

void RecordIdIndex::Insert(uint64_t hash, uint64_t seq) {
  // At most 3/4 full, so that probes stay short.
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  size_t i = hash & mask_;
  while (slots_[i].seq != 0) i = (i + 1) & mask_;
  slots_[i] = {hash, seq};
  ++size_;
}

void RecordIdIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.seq == 0) continue;
    size_t i = slot.hash & mask_;
    while (slots_[i].seq != 0) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
}

}  // namespace gallery::store
