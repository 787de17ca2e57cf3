#include "hub/store/sqlite_store.h"

#include <chrono>
#include <sstream>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "hub/common/now_micros.h"
#include "hub/store/line_list.h"
#include "hub/store/sqlite_wal_check.h"

namespace gallery::store {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL UNIQUE,
  source_agency TEXT NOT NULL,
  record_type TEXT NOT NULL,
  registered_gp_ods TEXT NOT NULL,
  received_at_us INTEGER NOT NULL,
  rule_set_hash TEXT NOT NULL,
  payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS payloads(
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries(
  recipient TEXT NOT NULL,
  delivery_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  payload_id INTEGER NOT NULL,
  rule_ids TEXT NOT NULL,
  withheld TEXT NOT NULL,
  acked_at_us INTEGER,
  dead_letter_id INTEGER,
  PRIMARY KEY(recipient, delivery_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries(recipient, delivery_id)
  WHERE acked_at_us IS NULL AND dead_letter_id IS NULL;
CREATE INDEX IF NOT EXISTS deliveries_by_record ON deliveries(seq);
CREATE TABLE IF NOT EXISTS dead_letters(
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,
  delivery_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  payload_id INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  retried_at_us INTEGER,
  dropped_at_us INTEGER);
CREATE TABLE IF NOT EXISTS withholdings(
  seq INTEGER NOT NULL,
  agency TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY(seq, agency)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS registry_facts(
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  fact BLOB NOT NULL,
  PRIMARY KEY(seq, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_log(
  seq INTEGER PRIMARY KEY,
  entry BLOB NOT NULL);
)sql";


}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  // Crash recovery keeps every committed transaction, so every confirmed record; what
  // follows the last commit (a batch that was never confirmed) is dropped, and said so.
  auto tail = InspectWal(path + "-wal");
  if (!tail.ok()) return tail.status();
  if (tail->dropped_bytes > 0) {
    spdlog::warn("store {}: recovery drops {} bytes ({} frames) written after the last commit; "
                 "no confirmed record was in them",
                 path, tail->dropped_bytes, tail->dropped_frames);
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "cannot open store " + path);
    sqlite3_close(db);
    return Unavailable(status.message());
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  GALLERY_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL", "store " + path));
  // FULL syncs the WAL at every commit: a confirm means the record is on disk.
  GALLERY_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=FULL", "store " + path));
  GALLERY_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=OFF", "store " + path));
  sqlite3_busy_timeout(db, 5000);
  GALLERY_RETURN_IF_ERROR(Exec(db, kSchema, "store schema in " + path));
  store->Prepare();
  GALLERY_RETURN_IF_ERROR(store->LoadDeliveryCounters());
  return store;
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

SqliteStore::~SqliteStore() {
  // Statements must be finalized before the connection closes.
  find_record_ = Statement();
  insert_record_ = Statement();
  insert_payload_ = Statement();
  insert_delivery_ = Statement();
  insert_withholding_ = Statement();
  insert_fact_ = Statement();
  insert_audit_ = Statement();
  ack_delivery_ = Statement();
  pending_ = Statement();
  sqlite3_close(db_);
}

void SqliteStore::Prepare() {
  find_record_ = Statement(db_, "SELECT 1 FROM records WHERE record_id = ?1");
  insert_record_ = Statement(db_,
      "INSERT OR IGNORE INTO records(record_id, source_agency, record_type, registered_gp_ods,"
      " received_at_us, rule_set_hash, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert_payload_ = Statement(db_, "INSERT INTO payloads(seq, bytes) VALUES(?1, ?2)");
  insert_delivery_ = Statement(db_,
      "INSERT INTO deliveries(recipient, delivery_id, seq, payload_id, rule_ids, withheld)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  insert_withholding_ =
      Statement(db_, "INSERT INTO withholdings(seq, agency, reason) VALUES(?1, ?2, ?3)");
  insert_fact_ = Statement(db_, "INSERT INTO registry_facts(seq, idx, fact) VALUES(?1, ?2, ?3)");
  // Without AUTOINCREMENT a new row's seq is the largest plus one: positions without gaps.
  insert_audit_ = Statement(db_, "INSERT INTO audit_log(entry) VALUES(?1)");
  ack_delivery_ = Statement(db_,
      "UPDATE deliveries SET acked_at_us = ?3 WHERE recipient = ?1 AND delivery_id = ?2"
      " AND acked_at_us IS NULL AND dead_letter_id IS NULL");
  pending_ = Statement(db_,
      "SELECT d.delivery_id, p.bytes, d.rule_ids, r.record_id FROM deliveries d"
      " JOIN payloads p ON p.id = d.payload_id JOIN records r ON r.seq = d.seq"
      " WHERE d.recipient = ?1 AND d.delivery_id > ?2 AND d.acked_at_us IS NULL"
      " AND d.dead_letter_id IS NULL"
      " ORDER BY d.delivery_id LIMIT ?3");
}

Status SqliteStore::LoadDeliveryCounters() {
  Statement counters(db_, "SELECT recipient, max(delivery_id) FROM deliveries GROUP BY recipient");
  int rc;
  while ((rc = counters.Step()) == SQLITE_ROW) {
    last_delivery_id_[counters.ColumnText(0)] = static_cast<uint64_t>(counters.ColumnInt(1));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading delivery counters");
  return OkStatus();
}

Result<std::vector<std::string>> SqliteStore::FindExisting(std::span<const std::string> record_ids) {
  std::vector<std::string> existing;
  for (const auto& id : record_ids) {
    find_record_.Reset();
    find_record_.Bind(1, id);
    const int rc = find_record_.Step();
    if (rc == SQLITE_ROW) {
      existing.push_back(id);
    } else if (rc != SQLITE_DONE) {
      return SqliteError(db_, rc, "looking up a record id");
    }
  }
  find_record_.Reset();
  return existing;
}

Status SqliteStore::Commit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                           const std::string& rule_set_hash) {
  if (records.empty() && acks.empty()) return OkStatus();
  GALLERY_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", "starting a journal transaction"));
  // Counters advance only if the batch commits.
  std::unordered_map<std::string, uint64_t> counters = last_delivery_id_;
  Status status = CommitInTransaction(records, acks, rule_set_hash, counters);
  if (status.ok()) status = Exec(db_, "COMMIT", "committing the journal");
  if (!status.ok()) {
    // Leaves the store as it was before this batch; the error says why.
    (void)Exec(db_, "ROLLBACK", "rolling back");
    return status;
  }
  last_delivery_id_ = std::move(counters);
  return status;
}

Status SqliteStore::CommitInTransaction(std::span<const NewRecord> records,
                                        std::span<const AckedDelivery> acks,
                                        const std::string& rule_set_hash,
                                        std::unordered_map<std::string, uint64_t>& counters) {
  for (const auto& record : records) {
    insert_record_.Reset();
    insert_record_.Bind(1, record.record_id);
    insert_record_.Bind(2, record.source_agency);
    insert_record_.Bind(3, record.record_type);
    insert_record_.Bind(4, record.registered_gp_ods);
    insert_record_.Bind(5, record.received_at_us);
    insert_record_.Bind(6, rule_set_hash);
    insert_record_.BindBlob(7, record.payload);
    int rc = insert_record_.Step();
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "journaling record " + record.record_id);
    const bool journaled = sqlite3_changes(db_) != 0;
    const int64_t seq = sqlite3_last_insert_rowid(db_);  // read before the audit row's
    if (!record.audit_entry.empty()) GALLERY_RETURN_IF_ERROR(InsertAudit(record.audit_entry));
    if (!journaled) continue;  // already journaled: stored and routed once
    // Recipients given identical redactions share one stored copy.
    std::vector<std::pair<const std::string*, int64_t>> stored;
    for (const auto& delivery : record.deliveries) {
      int64_t payload_id = 0;
      for (const auto& [bytes, id] : stored) {
        if (*bytes == delivery.payload) payload_id = id;
      }
      if (payload_id == 0) {
        insert_payload_.Reset();
        insert_payload_.Bind(1, seq);
        insert_payload_.BindBlob(2, delivery.payload);
        rc = insert_payload_.Step();
        if (rc != SQLITE_DONE) return SqliteError(db_, rc, "storing record " + record.record_id);
        payload_id = sqlite3_last_insert_rowid(db_);
        stored.emplace_back(&delivery.payload, payload_id);
      }
      insert_delivery_.Reset();
      insert_delivery_.Bind(1, delivery.recipient);
      insert_delivery_.Bind(2, static_cast<int64_t>(++counters[delivery.recipient]));
      insert_delivery_.Bind(3, seq);
      insert_delivery_.Bind(4, payload_id);
      insert_delivery_.Bind(5, JoinLines(delivery.rule_ids));
      insert_delivery_.Bind(6, JoinLines(delivery.withheld));
      rc = insert_delivery_.Step();
      if (rc != SQLITE_DONE) return SqliteError(db_, rc, "queueing record " + record.record_id);
    }
    for (const auto& withholding : record.withholdings) {
      insert_withholding_.Reset();
      insert_withholding_.Bind(1, seq);
      insert_withholding_.Bind(2, withholding.agency);
      insert_withholding_.Bind(3, withholding.reason);
      rc = insert_withholding_.Step();
      if (rc != SQLITE_DONE) return SqliteError(db_, rc, "recording a withholding");
    }
    for (size_t i = 0; i < record.registry_facts.size(); ++i) {
      insert_fact_.Reset();
      insert_fact_.Bind(1, seq);
      insert_fact_.Bind(2, static_cast<int64_t>(i));
      insert_fact_.BindBlob(3, record.registry_facts[i]);
      rc = insert_fact_.Step();
      if (rc != SQLITE_DONE) return SqliteError(db_, rc, "recording registry facts");
    }
  }
  const int64_t now = NowMicros();
  for (const auto& ack : acks) {
    ack_delivery_.Reset();
    ack_delivery_.Bind(1, ack.recipient);
    ack_delivery_.Bind(2, static_cast<int64_t>(ack.delivery_id));
    ack_delivery_.Bind(3, now);
    const int rc = ack_delivery_.Step();
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "recording an ack");
  }
  insert_record_.Reset();
  insert_payload_.Reset();
  insert_delivery_.Reset();
  insert_withholding_.Reset();
  insert_fact_.Reset();
  insert_audit_.Reset();
  ack_delivery_.Reset();
  return OkStatus();
}

Result<std::vector<PendingDelivery>> SqliteStore::Pending(const std::string& recipient,
                                                          uint64_t after, size_t limit) {
  std::vector<PendingDelivery> out;
  pending_.Reset();
  pending_.Bind(1, recipient);
  pending_.Bind(2, static_cast<int64_t>(after));
  pending_.Bind(3, static_cast<int64_t>(limit));
  int rc;
  while ((rc = pending_.Step()) == SQLITE_ROW) {
    out.push_back({static_cast<uint64_t>(pending_.ColumnInt(0)), pending_.ColumnBlob(1),
                   SplitLines(pending_.ColumnText(2)), pending_.ColumnText(3)});
  }
  pending_.Reset();
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading the queue of " + recipient);
  return out;
}

Result<std::vector<std::pair<std::string, uint64_t>>> SqliteStore::PendingCounts() {
  Statement counts(db_,
      "SELECT recipient, count(*) FROM deliveries WHERE acked_at_us IS NULL"
      " AND dead_letter_id IS NULL GROUP BY recipient"
      " ORDER BY recipient");
  std::vector<std::pair<std::string, uint64_t>> out;
  int rc;
  while ((rc = counts.Step()) == SQLITE_ROW) {
    out.emplace_back(counts.ColumnText(0), static_cast<uint64_t>(counts.ColumnInt(1)));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "counting queues");
  return out;
}

}  // namespace gallery::store
