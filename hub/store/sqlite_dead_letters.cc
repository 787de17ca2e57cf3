// SqliteStore: dead letters and payload retention.
#include "hub/store/sqlite_store.h"

#include "hub/common/now_micros.h"

namespace gallery::store {
namespace {

constexpr std::string_view kLetterColumns =
    "l.id, r.record_id, r.source_agency, r.record_type, l.recipient, l.delivery_id, l.attempts,"
    " l.reason, l.at_us";

DeadLetter ReadLetter(const Statement& row) {
  DeadLetter letter;
  letter.id = static_cast<uint64_t>(row.ColumnInt(0));
  letter.record_id = row.ColumnText(1);
  letter.source_agency = row.ColumnText(2);
  letter.record_type = row.ColumnText(3);
  letter.recipient = row.ColumnText(4);
  letter.delivery_id = static_cast<uint64_t>(row.ColumnInt(5));
  letter.attempts = static_cast<uint32_t>(row.ColumnInt(6));
  letter.reason = row.ColumnText(7);
  letter.at_us = row.ColumnInt(8);
  return letter;
}

Status Done(sqlite3* db, int rc, std::string_view what) {
  return rc == SQLITE_DONE ? OkStatus() : SqliteError(db, rc, what);
}

}  // namespace

Status SqliteStore::InTransaction(const std::function<Status()>& work, std::string_view what) {
  GALLERY_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", what));
  Status status = work();
  if (status.ok()) status = Exec(db_, "COMMIT", what);
  if (!status.ok()) (void)Exec(db_, "ROLLBACK", "rolling back");
  return status;
}

Status SqliteStore::DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id,
                                       uint32_t attempts, const std::string& reason,
                                       int64_t at_us) {
  return InTransaction([&]() -> Status {
    Statement letter(db_,
        "INSERT INTO dead_letters(recipient, delivery_id, seq, payload_id, attempts, reason, at_us)"
        " SELECT recipient, delivery_id, seq, payload_id, ?3, ?4, ?5 FROM deliveries"
        " WHERE recipient = ?1 AND delivery_id = ?2 AND acked_at_us IS NULL"
        " AND dead_letter_id IS NULL");
    letter.Bind(1, recipient);
    letter.Bind(2, static_cast<int64_t>(delivery_id));
    letter.Bind(3, static_cast<int64_t>(attempts));
    letter.Bind(4, reason);
    letter.Bind(5, at_us);
    GALLERY_RETURN_IF_ERROR(Done(db_, letter.Step(), "recording a dead letter"));
    if (sqlite3_changes(db_) == 0) {
      return NotFound("no unacked delivery " + std::to_string(delivery_id) + " to " + recipient);
    }
    Statement mark(db_,
        "UPDATE deliveries SET dead_letter_id = ?3 WHERE recipient = ?1 AND delivery_id = ?2");
    mark.Bind(1, recipient);
    mark.Bind(2, static_cast<int64_t>(delivery_id));
    mark.Bind(3, sqlite3_last_insert_rowid(db_));
    return Done(db_, mark.Step(), "taking a delivery out of its queue");
  }, "dead-lettering a delivery");
}

Result<std::vector<DeadLetter>> SqliteStore::DeadLetters() {
  Statement rows(db_, std::string("SELECT ") + std::string(kLetterColumns) +
                          " FROM dead_letters l JOIN records r ON r.seq = l.seq"
                          " WHERE l.retried_at_us IS NULL AND l.dropped_at_us IS NULL ORDER BY l.id");
  std::vector<DeadLetter> out;
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) out.push_back(ReadLetter(rows));
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "listing dead letters");
  return out;
}

Result<DeadLetter> SqliteStore::GetDeadLetter(uint64_t id, bool with_payload) {
  Statement row(db_, std::string("SELECT ") + std::string(kLetterColumns) +
                         ", p.bytes FROM dead_letters l JOIN records r ON r.seq = l.seq"
                         " LEFT JOIN payloads p ON p.id = l.payload_id"
                         " WHERE l.id = ?1 AND l.retried_at_us IS NULL AND l.dropped_at_us IS NULL");
  row.Bind(1, static_cast<int64_t>(id));
  const int rc = row.Step();
  if (rc == SQLITE_DONE) return NotFound("no dead letter " + std::to_string(id));
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "reading a dead letter");
  DeadLetter letter = ReadLetter(row);
  if (with_payload) letter.payload = row.ColumnBlob(9);
  return letter;
}

Result<uint64_t> SqliteStore::RetryDeadLetter(uint64_t id) {
  uint64_t new_id = 0;
  std::unordered_map<std::string, uint64_t> counters = last_delivery_id_;
  Status status = InTransaction([&]() -> Status {
    Statement letter(db_,
        "SELECT l.recipient, l.seq, l.payload_id, d.rule_ids, d.withheld FROM dead_letters l"
        " JOIN deliveries d ON d.recipient = l.recipient AND d.delivery_id = l.delivery_id"
        " WHERE l.id = ?1 AND l.retried_at_us IS NULL AND l.dropped_at_us IS NULL");
    letter.Bind(1, static_cast<int64_t>(id));
    int rc = letter.Step();
    if (rc == SQLITE_DONE) return NotFound("no dead letter " + std::to_string(id));
    if (rc != SQLITE_ROW) return SqliteError(db_, rc, "reading a dead letter");
    const std::string recipient = letter.ColumnText(0);
    new_id = ++counters[recipient];
    Statement requeue(db_,
        "INSERT INTO deliveries(recipient, delivery_id, seq, payload_id, rule_ids, withheld)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    requeue.Bind(1, recipient);
    requeue.Bind(2, static_cast<int64_t>(new_id));
    requeue.Bind(3, letter.ColumnInt(1));
    requeue.Bind(4, letter.ColumnInt(2));
    requeue.Bind(5, letter.ColumnText(3));
    requeue.Bind(6, letter.ColumnText(4));
    GALLERY_RETURN_IF_ERROR(Done(db_, requeue.Step(), "requeueing a dead letter"));
    Statement retired(db_, "UPDATE dead_letters SET retried_at_us = ?2 WHERE id = ?1");
    retired.Bind(1, static_cast<int64_t>(id));
    retired.Bind(2, NowMicros());
    return Done(db_, retired.Step(), "retiring a dead letter");
  }, "retrying a dead letter");
  if (!status.ok()) return status;
  last_delivery_id_ = std::move(counters);
  return new_id;
}

Status SqliteStore::DropDeadLetter(uint64_t id) {
  return InTransaction([&]() -> Status {
    Statement drop(db_,
        "UPDATE dead_letters SET dropped_at_us = ?2 WHERE id = ?1 AND retried_at_us IS NULL"
        " AND dropped_at_us IS NULL");
    drop.Bind(1, static_cast<int64_t>(id));
    drop.Bind(2, NowMicros());
    GALLERY_RETURN_IF_ERROR(Done(db_, drop.Step(), "dropping a dead letter"));
    if (sqlite3_changes(db_) == 0) return NotFound("no dead letter " + std::to_string(id));
    return OkStatus();
  }, "dropping a dead letter");
}

Result<uint64_t> SqliteStore::PurgePayloads(int64_t before_us, const PurgeAudit& audit) {
  int64_t purged = 0;
  Status status = InTransaction([&]() -> Status {
    // A delivery is settled when acked, or when its dead letter was dropped or retried (the
    // retry is a delivery of its own). Records with every delivery settled before the
    // cutoff, or with none at all, lose their payloads.
    GALLERY_RETURN_IF_ERROR(Exec(db_,
        "CREATE TEMP TABLE IF NOT EXISTS purge(seq INTEGER PRIMARY KEY); DELETE FROM purge",
        "preparing a purge"));
    Statement select(db_,
        "INSERT INTO purge(seq) SELECT r.seq FROM records r"
        " WHERE length(r.payload) > 0 AND r.received_at_us < ?1 AND NOT EXISTS ("
        "  SELECT 1 FROM deliveries d LEFT JOIN dead_letters l ON l.id = d.dead_letter_id"
        "  WHERE d.seq = r.seq AND NOT ("
        "   (d.acked_at_us IS NOT NULL AND d.acked_at_us < ?1)"
        "   OR (l.dropped_at_us IS NOT NULL AND l.dropped_at_us < ?1)"
        "   OR l.retried_at_us IS NOT NULL))");
    select.Bind(1, before_us);
    GALLERY_RETURN_IF_ERROR(Done(db_, select.Step(), "choosing records to purge"));
    purged = sqlite3_changes(db_);
    if (audit && purged > 0) {
      Statement ids(db_, "SELECT r.record_id FROM purge p JOIN records r ON r.seq = p.seq"
                         " ORDER BY p.seq");
      std::vector<std::string> record_ids;
      int rc;
      while ((rc = ids.Step()) == SQLITE_ROW) record_ids.push_back(ids.ColumnText(0));
      GALLERY_RETURN_IF_ERROR(Done(db_, rc, "listing records to purge"));
      const std::string entry = audit(record_ids);
      if (!entry.empty()) GALLERY_RETURN_IF_ERROR(InsertAudit(entry));
    }
    GALLERY_RETURN_IF_ERROR(Exec(db_,
        "DELETE FROM payloads WHERE seq IN (SELECT seq FROM purge);"
        "UPDATE records SET payload = x'' WHERE seq IN (SELECT seq FROM purge);"
        "DELETE FROM purge",
        "purging payloads"));
    return OkStatus();
  }, "purging payloads");
  if (!status.ok()) return status;
  return static_cast<uint64_t>(purged);
}

}  // namespace gallery::store
