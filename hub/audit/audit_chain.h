// AuditChain: the writer's end of the audit log. Seals entries (number, time, link to the
// one before) and keeps the chain head in memory; the store keeps the entries.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hub/audit/audit_entry.pb.h"
#include "hub/audit/subject_pseudonym.h"
#include "hub/common/result.h"
#include "hub/store/store.h"

namespace gallery::audit {

// The last entry written: its number and hash (32 bytes).
struct ChainHead {
  uint64_t seq = 0;
  std::string hash;  // of entry `seq`; 32 zero bytes before the first
};

// The head of the chain `store` holds: its last entry's number and hash. kDataLoss when
// that entry cannot be parsed or is misnumbered; the store's errors otherwise.
Result<ChainHead> LoadHead(store::Store& store);

// Not thread-safe; the hub drives it from its one thread. `store` must outlive it.
class AuditChain {
 public:
  AuditChain(store::Store& store, ChainHead head, SubjectPseudonym pseudonym)
      : store_(store), head_(std::move(head)), pseudonym_(std::move(pseudonym)) {}

  // Numbers `entry` as the next one, links it to the head, stamps its time (when unset)
  // and returns its bytes, the head moving past it. The caller stores the bytes (with a
  // commit, NewRecord::audit_entry) in the order sealed, or calls Restore with the head it
  // had before when that commit fails.
  std::string Seal(audit_log::v1::Entry& entry);

  // Seals `entry` and appends it to the store now, durably. On failure the head stays.
  Status Append(audit_log::v1::Entry entry);

  const ChainHead& head() const { return head_; }
  void Restore(ChainHead head) { head_ = std::move(head); }
  const SubjectPseudonym& pseudonym() const { return pseudonym_; }

 private:
  store::Store& store_;
  ChainHead head_;
  SubjectPseudonym pseudonym_;
};

}  // namespace gallery::audit
