// SqliteStore: what the recipients of given records were given, for routing corrections.
#include "hub/store/line_list.h"
#include "hub/store/sqlite_store.h"

namespace gallery::store {

Result<std::vector<DisclosedRecord>> SqliteStore::Disclosures(
    std::span<const std::string> record_ids) {
  std::vector<DisclosedRecord> out;
  if (record_ids.empty()) return out;
  Statement record(db_, "SELECT seq, source_agency, payload FROM records WHERE record_id = ?1");
  Statement deliveries(db_,
                       "SELECT recipient, withheld FROM deliveries WHERE seq = ?1"
                       " ORDER BY recipient, delivery_id");
  for (const std::string& id : record_ids) {
    record.Reset();
    record.Bind(1, id);
    int rc = record.Step();
    if (rc == SQLITE_DONE) continue;
    if (rc != SQLITE_ROW) return SqliteError(db_, rc, "finding record " + id);
    DisclosedRecord& found = out.emplace_back();
    found.record_id = id;
    found.source_agency = record.ColumnText(1);
    found.payload = record.ColumnBlob(2);
    deliveries.Reset();
    deliveries.Bind(1, record.ColumnInt(0));
    while ((rc = deliveries.Step()) == SQLITE_ROW) {
      found.recipients.push_back(
          {deliveries.ColumnText(0), SplitLines(deliveries.ColumnText(1))});
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading the deliveries of " + id);
  }
  return out;
}

}  // namespace gallery::store
