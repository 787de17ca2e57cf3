#include "hub/store/payload_cache.h"

namespace gallery::store {

size_t PayloadCache::Cost(const CachedRecord& record) {
  size_t cost = record.record_id.size() + 64;  // with the map's node and vector
  for (const auto& payload : record.payloads) cost += payload.size() + 32;
  return cost;
}

void PayloadCache::Add(uint64_t seq, CachedRecord record) {
  const size_t cost = Cost(record);
  if (cost > capacity_) return;
  while (bytes_ + cost > capacity_ && !order_.empty()) {
    Erase(order_.front());
    order_.pop_front();
  }
  auto [it, added] = records_.emplace(seq, std::move(record));
  if (!added) return;
  bytes_ += cost;
  order_.push_back(seq);
}

const CachedRecord* PayloadCache::Find(uint64_t seq) const {
  auto it = records_.find(seq);
  return it == records_.end() ? nullptr : &it->second;
}

void PayloadCache::Erase(uint64_t seq) {
  auto it = records_.find(seq);
  if (it == records_.end()) return;
  bytes_ -= Cost(it->second);
  records_.erase(it);
}

}  // namespace gallery::store
