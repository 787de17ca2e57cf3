// JournalStore: what the recipients of given records were given, for routing corrections,
// read back from each record's entry (a retry delivers to the same recipient again, so the
// entry names every recipient).
#include "hub/store/journal_store.h"

namespace gallery::store {

Result<std::vector<DisclosedRecord>> JournalStore::Disclosures(
    std::span<const std::string> record_ids) {
  SettleWrite();  // a correction may follow its original closely
  std::vector<DisclosedRecord> out;
  std::string buffer;
  RecordEntry entry;
  for (const std::string& id : record_ids) {
    GALLERY_ASSIGN_OR_RETURN(uint64_t seq, FindRecord(id));
    if (seq == 0) continue;
    GALLERY_ASSIGN_OR_RETURN(Frame frame, ReadEntry(Slot(seq).entry, buffer));
    if (!DecodeRecord(frame.body, entry)) {
      return DataLoss("undecodable entry of record " + id + " in segment " +
                      std::to_string(Slot(seq).entry.segment));
    }
    DisclosedRecord& found = out.emplace_back();
    found.record_id = id;
    found.source_agency = entry.source_agency;
    // Retention marks a record purged before it rewrites the segment holding its payload.
    if (!Slot(seq).purged && !entry.purged) found.payload = entry.payload;
    for (const RecordEntry::Delivery& delivery : entry.deliveries) {
      found.recipients.push_back({std::string(delivery.recipient),
                                  {delivery.withheld.begin(), delivery.withheld.end()}});
    }
  }
  return out;
}

}  // namespace gallery::store
