// The SQL of PostgresStore: its tables, in one schema, and its prepared statements.
#pragma once

#include <string>
#include <string_view>

namespace gallery::store::pg {

// Bumped when the tables change shape; a schema holding another format is refused, but for
// the previous one, gallery-store-2, which is brought to this one when opened.
inline constexpr std::string_view kFormat = "gallery-store-3";

// The prepared statements, named "g<value>" on each connection.
enum Stmt : int {
  kFindExisting,
  kJournalBatch,
  kAckDeliveries,
  kPending,
  kPendingCounts,
  kSummaryRecords,
  kSummaryDeliveries,
  kSummaryWithholdings,
  kDeadLetter,
  kListDeadLetters,
  kGetDeadLetter,
  kRetryDeadLetter,
  kDropDeadLetter,
  kPurge,
  kRegistryFacts,
  kAppendAudit,
  kAuditCount,
  kAuditEntries,
  kDisclosures,
  kMarkCommit,
  kFindMark,
  kStmtCount
};

// Creates the schema `quoted_schema` (an SQL identifier, quoted) and its tables when absent,
// and records kFormat in its `meta` table. Several statements; run in one transaction.
std::string SchemaSql(std::string_view quoted_schema);

// The text of `stmt` for tables in `quoted_schema`.
std::string StatementSql(Stmt stmt, std::string_view quoted_schema);

}  // namespace gallery::store::pg
