#include "hub/audit/audit_chain.h"

#include "hub/audit/audit_hash.h"
#include "hub/common/now_micros.h"

namespace gallery::audit {

Result<ChainHead> LoadHead(store::Store& store) {
  GALLERY_ASSIGN_OR_RETURN(uint64_t count, store.AuditCount());
  if (count == 0) return ChainHead{0, ZeroHash()};
  GALLERY_ASSIGN_OR_RETURN(std::vector<std::string> last, store.AuditEntries(count - 1, 1));
  audit_log::v1::Entry entry;
  if (last.size() != 1 || !entry.ParseFromString(last[0]) || entry.seq() != count) {
    return DataLoss("the audit log's last entry (" + std::to_string(count) +
                    ") is unreadable or misnumbered: run hubctl audit verify");
  }
  return ChainHead{count, ChainHash(entry.prev_hash(), last[0])};
}

std::string AuditChain::Seal(audit_log::v1::Entry& entry) {
  entry.set_seq(head_.seq + 1);
  if (entry.time_us() == 0) entry.set_time_us(NowMicros());
  entry.set_prev_hash(head_.hash);
  std::string bytes = entry.SerializeAsString();
  head_.hash = ChainHash(head_.hash, bytes);
  head_.seq = entry.seq();
  return bytes;
}

Status AuditChain::Append(audit_log::v1::Entry entry) {
  const ChainHead before = head_;
  const std::string bytes = Seal(entry);
  Status status = store_.AppendAudit(std::span<const std::string>(&bytes, 1));
  if (!status.ok()) Restore(before);
  return status;
}

}  // namespace gallery::audit
