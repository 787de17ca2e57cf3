// SqliteStore: what reports read (the journal's records and decisions, the
// registry facts).
#include <map>

#include "hub/store/line_list.h"
#include "hub/store/sqlite_store.h"

namespace gallery::store {

Status SqliteStore::ReadSummaries(
    int64_t since_us, std::vector<RecordSummary> &out,
    std::vector<std::pair<int64_t, std::string>> *received) {
  std::map<uint64_t, size_t> index;
  Statement records(db_,
                    "SELECT seq, record_id, source_agency, record_type, "
                    "registered_gp_ods, rule_set_hash,"
                    " received_at_us, CASE WHEN ?2 THEN payload END"
                    " FROM records WHERE received_at_us >= ?1 ORDER BY seq");
  records.Bind(1, since_us);
  records.Bind(2, int64_t{received != nullptr});
  int rc;
  while ((rc = records.Step()) == SQLITE_ROW) {
    RecordSummary summary;
    summary.seq = static_cast<uint64_t>(records.ColumnInt(0));
    summary.record_id = records.ColumnText(1);
    summary.source_agency = records.ColumnText(2);
    summary.record_type = records.ColumnText(3);
    summary.registered_gp_ods = records.ColumnText(4);
    summary.rule_set_hash = records.ColumnText(5);
    if (received != nullptr)
      received->emplace_back(records.ColumnInt(6), records.ColumnBlob(7));
    index[summary.seq] = out.size();
    out.push_back(std::move(summary));
  }
  if (rc != SQLITE_DONE)
    return SqliteError(db_, rc, "reading records");

  Statement deliveries(db_, "SELECT d.seq, d.recipient, d.rule_ids, "
                            "d.withheld, d.acked_at_us IS NOT NULL"
                            " FROM deliveries d JOIN records r ON r.seq = "
                            "d.seq WHERE r.received_at_us >= ?1"
                            " ORDER BY d.seq, d.recipient");
  deliveries.Bind(1, since_us);
  while ((rc = deliveries.Step()) == SQLITE_ROW) {
    auto it = index.find(static_cast<uint64_t>(deliveries.ColumnInt(0)));
    if (it == index.end())
      continue;
    out[it->second].disclosures.push_back(
        {deliveries.ColumnText(1), SplitLines(deliveries.ColumnText(2)),
         SplitLines(deliveries.ColumnText(3)), deliveries.ColumnInt(4) != 0});
  }
  if (rc != SQLITE_DONE)
    return SqliteError(db_, rc, "reading deliveries");

  Statement withholdings(
      db_, "SELECT w.seq, w.agency, w.reason FROM withholdings w JOIN records "
           "r ON r.seq = w.seq"
           " WHERE r.received_at_us >= ?1 ORDER BY w.seq, w.agency");
  withholdings.Bind(1, since_us);
  while ((rc = withholdings.Step()) == SQLITE_ROW) {
    auto it = index.find(static_cast<uint64_t>(withholdings.ColumnInt(0)));
    if (it == index.end())
      continue;
    out[it->second].withholdings.push_back(
        {withholdings.ColumnText(1), withholdings.ColumnText(2)});
  }
  if (rc != SQLITE_DONE)
    return SqliteError(db_, rc, "reading withholdings");
  return OkStatus();
}

Result<std::vector<RecordSummary>> SqliteStore::Summaries() {
  std::vector<RecordSummary> out;
  GALLERY_RETURN_IF_ERROR(ReadSummaries(INT64_MIN, out, nullptr));
  return out;
}

Result<std::vector<ReceivedRecord>>
SqliteStore::ReceivedSince(int64_t since_us) {
  std::vector<RecordSummary> summaries;
  std::vector<std::pair<int64_t, std::string>> received;
  // One snapshot for the three reads, so that a concurrent writer is seen whole
  // or not.
  GALLERY_RETURN_IF_ERROR(Exec(db_, "BEGIN", "reading the journal"));
  Status status = ReadSummaries(since_us, summaries, &received);
  (void)Exec(db_, "COMMIT", "reading the journal");
  if (!status.ok())
    return status;
  std::vector<ReceivedRecord> out;
  out.reserve(summaries.size());
  for (size_t i = 0; i < summaries.size(); ++i) {
    out.push_back({std::move(summaries[i]), received[i].first,
                   std::move(received[i].second)});
  }
  return out;
}

Result<std::vector<std::string>> SqliteStore::RegistryFacts() {
  Statement facts(db_, "SELECT fact FROM registry_facts ORDER BY seq, idx");
  std::vector<std::string> out;
  int rc;
  while ((rc = facts.Step()) == SQLITE_ROW)
    out.push_back(facts.ColumnBlob(0));
  if (rc != SQLITE_DONE)
    return SqliteError(db_, rc, "reading registry facts");
  return out;
}

} // namespace gallery::store
