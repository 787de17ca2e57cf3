#include "hub/audit/chain_verify.h"

#include <vector>

#include "hub/audit/audit_entry.pb.h"
#include "hub/audit/audit_hash.h"

namespace gallery::audit {
namespace {

constexpr size_t kPage = 4096;

std::string Num(uint64_t n) { return std::to_string(n); }

// Checks the entries after position `after`, the first of which must link to `hash`.
Result<ChainReport> Walk(store::Store& store, uint64_t after, std::string hash,
                         std::string_view expected_head) {
  ChainReport report;
  report.length = after;
  bool head_seen = expected_head.empty();
  audit_log::v1::Entry entry;
  for (;;) {
    GALLERY_ASSIGN_OR_RETURN(std::vector<std::string> page,
                             store.AuditEntries(report.length, kPage));
    for (const std::string& bytes : page) {
      const uint64_t seq = report.length + 1;
      if (!entry.ParseFromString(bytes)) {
        report.broken = ChainBreak{seq, "entry " + Num(seq) + " cannot be parsed (edited)"};
        return report;
      }
      if (entry.seq() != seq) {
        std::string what = "entry " + Num(seq) + " is missing or out of place: entry " +
                           Num(entry.seq()) + " stands where it should be";
        if (entry.seq() > seq) what += " (removed or reordered)";
        if (entry.seq() < seq) what += " (inserted or reordered)";
        report.broken = ChainBreak{seq, std::move(what)};
        return report;
      }
      if (entry.prev_hash() != hash && seq == 1) {
        report.broken = ChainBreak{1, "entry 1 does not start the chain (edited)"};
        return report;
      }
      if (entry.prev_hash() != hash) {
        // Numbered right but not linked: the entry before was changed after it was
        // written, or this one was forged in its place.
        report.broken =
            ChainBreak{seq - 1, "entry " + Num(seq - 1) + " does not hash to the link entry " +
                                    Num(seq) + " holds (entry " + Num(seq - 1) +
                                    " edited, or entry " + Num(seq) + " replaced)"};
        return report;
      }
      hash = ChainHash(hash, bytes);
      report.length = seq;
      if (!head_seen && Hex(hash) == expected_head) head_seen = true;
    }
    if (page.size() < kPage) break;
  }
  report.head_hash = report.length == 0 ? "" : Hex(hash);
  if (!head_seen) {
    report.broken = ChainBreak{report.length + 1,
                               "no entry hashes to the head given (" + std::string(expected_head) +
                                   "): the chain ends at entry " + Num(report.length) +
                                   ", so entries were cut off its end or the last one edited"};
  }
  return report;
}

}  // namespace

Result<ChainReport> VerifyChain(store::Store& store, std::string_view expected_head) {
  return Walk(store, 0, ZeroHash(), expected_head);
}

Result<ChainReport> VerifyChainTail(store::Store& store, uint64_t max_entries) {
  GALLERY_ASSIGN_OR_RETURN(const uint64_t count, store.AuditCount());
  if (count <= max_entries) return VerifyChain(store, "");
  const uint64_t first = count - max_entries + 1;
  GALLERY_ASSIGN_OR_RETURN(std::vector<std::string> page, store.AuditEntries(first - 1, 1));
  audit_log::v1::Entry entry;
  if (page.empty() || !entry.ParseFromString(page.front())) {
    ChainReport report;
    report.length = first - 1;
    report.broken = ChainBreak{first, "entry " + Num(first) + " cannot be parsed (edited)"};
    return report;
  }
  // Its link is taken on trust: what comes before it is VerifyChain's to check.
  return Walk(store, first - 1, entry.prev_hash(), "");
}

}  // namespace gallery::audit
