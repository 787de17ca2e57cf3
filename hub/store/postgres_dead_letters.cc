// PostgresStore: dead letters and payload retention. Each change is one statement, so one
// transaction, committed with synchronous_commit on before the call returns.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "hub/store/postgres_store.h"
#include "hub/common/now_micros.h"

namespace gallery::store {
namespace {

// Columns 0..8 of kListDeadLetters and kGetDeadLetter.
DeadLetter ReadLetter(const PGresult* rows, int row) {
  DeadLetter letter;
  letter.id = static_cast<uint64_t>(pg::GetInt64(rows, row, 0));
  letter.record_id = pg::GetBytes(rows, row, 1);
  letter.source_agency = pg::GetBytes(rows, row, 2);
  letter.record_type = pg::GetBytes(rows, row, 3);
  letter.recipient = pg::GetBytes(rows, row, 4);
  letter.delivery_id = static_cast<uint64_t>(pg::GetInt64(rows, row, 5));
  letter.attempts = static_cast<uint32_t>(pg::GetInt32(rows, row, 6));
  letter.reason = pg::GetBytes(rows, row, 7);
  letter.at_us = pg::GetInt64(rows, row, 8);
  return letter;
}

Status NoLetter(uint64_t id) { return NotFound("no dead letter " + std::to_string(id)); }

}  // namespace

Status PostgresStore::DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id,
                                         uint32_t attempts, const std::string& reason,
                                         int64_t at_us) {
  GALLERY_RETURN_IF_ERROR(Ready());
  pg::Params params;
  params.Bytes(recipient);
  params.Int64(static_cast<int64_t>(delivery_id));
  params.Int32(static_cast<int32_t>(std::min<uint32_t>(attempts, INT32_MAX)));
  params.Bytes(reason);
  params.Int64(at_us);
  GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr letter, Run(pg::kDeadLetter, params, PGRES_TUPLES_OK,
                                                     "dead-lettering a delivery"));
  recent_.Erase(recipient, delivery_id);  // out of the queue, whoever took it out
  if (PQntuples(letter.get()) == 0) {
    return NotFound("no unacked delivery " + std::to_string(delivery_id) + " to " + recipient);
  }
  return OkStatus();
}

Result<std::vector<DeadLetter>> PostgresStore::DeadLetters() {
  return RetryingOnLostConnection([&]() -> Result<std::vector<DeadLetter>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kListDeadLetters, pg::Params(),
                                                     PGRES_TUPLES_OK, "listing dead letters"));
    std::vector<DeadLetter> out;
    for (int row = 0; row < PQntuples(rows.get()); ++row)
      out.push_back(ReadLetter(rows.get(), row));
    return out;
  });
}

Result<DeadLetter> PostgresStore::GetDeadLetter(uint64_t id, bool with_payload) {
  return RetryingOnLostConnection([&]() -> Result<DeadLetter> {
    GALLERY_RETURN_IF_ERROR(Ready());
    pg::Params params;
    params.Int64(static_cast<int64_t>(id));
    params.Int64(with_payload ? 1 : 0);
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kGetDeadLetter, params, PGRES_TUPLES_OK,
                                                     "reading a dead letter"));
    if (PQntuples(rows.get()) == 0) return NoLetter(id);
    DeadLetter letter = ReadLetter(rows.get(), 0);
    if (with_payload) letter.payload = pg::GetBytes(rows.get(), 0, 9);
    return letter;
  });
}

Result<uint64_t> PostgresStore::RetryDeadLetter(uint64_t id) {
  GALLERY_RETURN_IF_ERROR(Ready());
  pg::Params params;
  params.Int64(static_cast<int64_t>(id));
  params.Int64(NowMicros());
  GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr requeued, Run(pg::kRetryDeadLetter, params,
                                                       PGRES_TUPLES_OK, "retrying a dead letter"));
  // The delivery is queued again under a new id, behind those cached: rare enough that the
  // queues are simply read from the database again.
  recent_.Clear();
  if (PQntuples(requeued.get()) == 0) return NoLetter(id);
  return static_cast<uint64_t>(pg::GetInt64(requeued.get(), 0, 0));
}

Status PostgresStore::DropDeadLetter(uint64_t id) {
  GALLERY_RETURN_IF_ERROR(Ready());
  pg::Params params;
  params.Int64(static_cast<int64_t>(id));
  params.Int64(NowMicros());
  GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr dropped, Run(pg::kDropDeadLetter, params, PGRES_COMMAND_OK,
                                                      "dropping a dead letter"));
  if (std::string_view(PQcmdTuples(dropped.get())) == "0") return NoLetter(id);
  return OkStatus();
}

Result<uint64_t> PostgresStore::PurgePayloads(int64_t before_us, const PurgeAudit& audit) {
  GALLERY_RETURN_IF_ERROR(Ready());
  // With an audit entry, one transaction: the purge and its entry stand or fall together.
  if (audit) GALLERY_RETURN_IF_ERROR(Exec("BEGIN", "starting a purge"));
  auto purge = [&]() -> Result<uint64_t> {
    pg::Params params;
    params.Int64(before_us);
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr purged,
                             Run(pg::kPurge, params, PGRES_TUPLES_OK, "purging payloads"));
    const int rows = PQntuples(purged.get());
    if (audit && rows > 0) {
      std::vector<std::string> record_ids;
      record_ids.reserve(static_cast<size_t>(rows));
      for (int row = 0; row < rows; ++row) record_ids.push_back(pg::GetBytes(purged.get(), row, 0));
      const std::string entry = audit(record_ids);
      if (!entry.empty()) {
        pg::ArrayParam entries(pg::kByteaOid);
        entries.AddBytes(entry);
        pg::Params append;
        append.Array(entries);
        GALLERY_RETURN_IF_ERROR(
            Run(pg::kAppendAudit, append, PGRES_COMMAND_OK, "appending to the audit log").status());
      }
    }
    if (audit) GALLERY_RETURN_IF_ERROR(Exec("COMMIT", "committing a purge"));
    return static_cast<uint64_t>(rows);
  };
  auto purged = purge();
  if (!purged.ok() && audit && conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
      PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    (void)Exec("ROLLBACK", "rolling back");
  }
  return purged;
}

}  // namespace gallery::store
