// SqliteStore: the audit log, one row per entry.
#include "hub/store/sqlite_store.h"

namespace gallery::store {

Status SqliteStore::InsertAudit(const std::string& entry) {
  insert_audit_.Reset();
  insert_audit_.BindBlob(1, entry);
  const int rc = insert_audit_.Step();
  insert_audit_.Reset();
  return rc == SQLITE_DONE ? OkStatus() : SqliteError(db_, rc, "appending to the audit log");
}

Status SqliteStore::AppendAudit(std::span<const std::string> entries) {
  if (entries.empty()) return OkStatus();
  return InTransaction(
      [&]() -> Status {
        for (const std::string& entry : entries) GALLERY_RETURN_IF_ERROR(InsertAudit(entry));
        return OkStatus();
      },
      "appending to the audit log");
}

Result<uint64_t> SqliteStore::AuditCount() {
  // The largest rowid is found in the table's b-tree without a scan.
  Statement count(db_, "SELECT coalesce(max(seq), 0) FROM audit_log");
  const int rc = count.Step();
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "counting audit entries");
  return static_cast<uint64_t>(count.ColumnInt(0));
}

Result<std::vector<std::string>> SqliteStore::AuditEntries(uint64_t after, size_t limit) {
  Statement entries(db_, "SELECT entry FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  entries.Bind(1, static_cast<int64_t>(std::min<uint64_t>(after, INT64_MAX)));
  entries.Bind(2, static_cast<int64_t>(std::min<uint64_t>(limit, INT64_MAX)));
  std::vector<std::string> out;
  int rc;
  while ((rc = entries.Step()) == SQLITE_ROW) out.push_back(entries.ColumnBlob(0));
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading the audit log");
  return out;
}

}  // namespace gallery::store
