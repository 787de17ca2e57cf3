// RecentDeliveries: the unacked deliveries a PostgresStore committed, per recipient, so that
// a recipient keeping up with its queue is served from memory, without a round trip to the
// server or reading back what was just written. Bounded in bytes; older deliveries are read
// from the database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "hub/store/store.h"

namespace gallery::store::pg {

// Not thread-safe.
class RecentDeliveries {
 public:
  explicit RecentDeliveries(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  struct Delivery {
    std::shared_ptr<const std::string> payload;  // shared by recipients given the same copy
    std::vector<std::string> rule_ids;
    std::string record_id;
  };

  // `recipient`'s delivery `delivery_id` was committed. Ids must come in increasing order per
  // recipient. One that does not follow the last added (another hub on the schema took the
  // ids between, or none was added yet) starts the recipient's cache afresh from it: what
  // comes before is then read from the database.
  void Add(const std::string& recipient, uint64_t delivery_id, Delivery delivery);
  // The delivery was acked or dead-lettered.
  void Erase(const std::string& recipient, uint64_t delivery_id);
  // Forgets everything: after a reconnect, or a change the cache cannot follow.
  void Clear();

  // `recipient`'s deliveries with id > `after`, up to `limit`, into `out`, when the cache
  // knows every unacked one from `after` on; false (out untouched) when the database must
  // be asked.
  bool Pending(const std::string& recipient, uint64_t after, size_t limit,
               std::vector<PendingDelivery>& out) const;

  size_t bytes() const { return bytes_; }

 private:
  struct Queue {
    uint64_t known_after = 0;  // the cache holds every unacked delivery with a greater id
    uint64_t last_id = 0;      // the newest added
    std::map<uint64_t, Delivery> deliveries;
    size_t bytes = 0;
  };
  static size_t Cost(const Delivery& delivery);
  // Drops the oldest deliveries of the largest queues until a quarter of the capacity is
  // free, so that eviction runs rarely.
  void Evict();

  size_t capacity_;
  size_t bytes_ = 0;
  std::unordered_map<std::string, Queue> queues_;  // by recipient
};

}  // namespace gallery::store::pg
