// PayloadCache: the record ids and redacted payloads of recently journaled records, so that
// delivering live traffic never reads the disk. Bounded in bytes; the oldest go first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace gallery::store {

struct CachedRecord {
  std::string record_id;
  std::vector<std::string> payloads;  // the record's distinct redactions
};

// Not thread-safe.
class PayloadCache {
 public:
  explicit PayloadCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // Adds record `seq` (which must not be cached yet), evicting the oldest as needed.
  void Add(uint64_t seq, CachedRecord record);
  // The cached record, or nullptr. Valid until the next Add or Erase.
  const CachedRecord* Find(uint64_t seq) const;
  void Erase(uint64_t seq);

  size_t bytes() const { return bytes_; }

 private:
  static size_t Cost(const CachedRecord& record);

  size_t capacity_;
  size_t bytes_ = 0;
  std::unordered_map<uint64_t, CachedRecord> records_;
  std::deque<uint64_t> order_;  // oldest first; may name records already erased
};

}  // namespace gallery::store
