#include "hub/store/postgres_recent_deliveries.h"

#include <utility>

namespace gallery::store::pg {

size_t RecentDeliveries::Cost(const Delivery& delivery) {
  // A shared payload is counted for each of its deliveries: an overestimate that keeps the
  // accounting local to one entry.
  size_t cost = 96 + delivery.payload->size() + delivery.record_id.size();
  for (const std::string& rule : delivery.rule_ids) cost += 32 + rule.size();
  return cost;
}

void RecentDeliveries::Add(const std::string& recipient, uint64_t delivery_id,
                           Delivery delivery) {
  Queue& queue = queues_[recipient];
  if (queue.last_id == 0 || delivery_id != queue.last_id + 1) {
    bytes_ -= queue.bytes;
    queue = Queue{};
    queue.known_after = delivery_id - 1;
  }
  const size_t cost = Cost(delivery);
  queue.deliveries.emplace_hint(queue.deliveries.end(), delivery_id, std::move(delivery));
  queue.last_id = delivery_id;
  queue.bytes += cost;
  bytes_ += cost;
  if (bytes_ > capacity_) Evict();
}

void RecentDeliveries::Erase(const std::string& recipient, uint64_t delivery_id) {
  auto queue = queues_.find(recipient);
  if (queue == queues_.end()) return;
  auto it = queue->second.deliveries.find(delivery_id);
  if (it == queue->second.deliveries.end()) return;
  const size_t cost = Cost(it->second);
  queue->second.bytes -= cost;
  bytes_ -= cost;
  queue->second.deliveries.erase(it);
}

void RecentDeliveries::Clear() {
  queues_.clear();
  bytes_ = 0;
}

bool RecentDeliveries::Pending(const std::string& recipient, uint64_t after, size_t limit,
                               std::vector<PendingDelivery>& out) const {
  auto queue = queues_.find(recipient);
  if (queue == queues_.end() || after < queue->second.known_after) return false;
  const auto& deliveries = queue->second.deliveries;
  for (auto it = deliveries.upper_bound(after); it != deliveries.end() && out.size() < limit;
       ++it) {
    out.push_back({it->first, *it->second.payload, it->second.rule_ids, it->second.record_id});
  }
  return true;
}

void RecentDeliveries::Evict() {
  const size_t target = capacity_ - capacity_ / 4;
  while (bytes_ > target) {
    Queue* largest = nullptr;
    for (auto& [recipient, queue] : queues_) {
      if (!queue.deliveries.empty() && (largest == nullptr || queue.bytes > largest->bytes)) {
        largest = &queue;
      }
    }
    if (largest == nullptr) return;
    // A batch at a time from the largest queue: the scan above is per batch, not per entry.
    for (int i = 0; i < 256 && !largest->deliveries.empty() && bytes_ > target; ++i) {
      auto oldest = largest->deliveries.begin();
      const size_t cost = Cost(oldest->second);
      largest->known_after = oldest->first;
      largest->bytes -= cost;
      bytes_ -= cost;
      largest->deliveries.erase(oldest);
    }
  }
}

}  // namespace gallery::store::pg
