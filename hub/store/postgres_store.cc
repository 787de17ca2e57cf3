#include "hub/store/line_list.h"
#include "hub/store/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include "hub/common/now_micros.h"

namespace gallery::store {
namespace {

// Those of `record_ids` that `found` (record ids in its first column) or `present` holds,
// in the order asked.
std::vector<std::string> ExistingIds(const PGresult* found, std::span<const std::string> record_ids,
                                     std::unordered_set<std::string> present) {
  for (int row = 0; row < PQntuples(found); ++row) present.insert(pg::GetBytes(found, row, 0));
  std::vector<std::string> existing;
  for (const auto& id : record_ids) {
    if (present.contains(id)) existing.push_back(id);
  }
  return existing;
}

using pg::ArrayParam;
using pg::Params;
using pg::Stmt;

bool IsSchemaName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// libpq prints server notices ("relation already exists, skipping") to stderr by default.
void IgnoreNotice(void*, const char*) {}

}  // namespace

PostgresStore::PostgresStore(PostgresOptions options)
    : options_(std::move(options)), schema_(pg::QuoteIdentifier(options_.schema)) {}

PostgresStore::~PostgresStore() {
  AwaitCommit();
  Disconnect();
  if (reader_ != nullptr) PQfinish(reader_);
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options) {
  if (!IsSchemaName(options.schema)) {
    return InvalidArgument("postgresql schema '" + options.schema +
                           "' must match [a-z_][a-z0-9_]* (at most 63 characters)");
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.dsn.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return InvalidArgument("postgresql dsn: " + message);
  }
  PQconninfoFree(parsed);
  std::unique_ptr<PostgresStore> store(new PostgresStore(options));
  GALLERY_RETURN_IF_ERROR(store->Connect());
  GALLERY_RETURN_IF_ERROR(store->CreateSchema());
  GALLERY_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

int PostgresStore::BackendPid() const { return conn_ != nullptr ? PQbackendPID(conn_) : 0; }

PGconn* PostgresStore::ConnectTo() const {
  // Defaults first: settings in the DSN (expanded in place of dbname) override them. The
  // keepalive and user timeout make a vanished server an error within a minute, not a hang.
  const char* keys[] = {
      "connect_timeout",  "application_name", "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {"10",    "gallery-hub",        "30",   "10", "3",
                          "60000", options_.dsn.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn != nullptr) PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

Status PostgresStore::Connect() {
  Disconnect();
  conn_ = ConnectTo();
  if (conn_ == nullptr) return Unavailable("postgresql: out of memory connecting");
  if (PQstatus(conn_) != CONNECTION_OK) {
    Status status = pg::PgError(conn_, nullptr, "cannot connect to postgresql");
    Disconnect();
    return status;
  }
  // A commit returns only once its WAL is flushed on the server, whatever the server's
  // default; an interrupted statement is not left holding locks for long.
  return Exec(
      "SET synchronous_commit = on; SET client_min_messages = warning;"
      " SET idle_in_transaction_session_timeout = '5min'",
      "configuring the postgresql session");
}

void PostgresStore::Disconnect() {
  // What happened while the connection was down, or to a commit whose outcome it hid, is
  // known only to the database.
  recent_.Clear();
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  broken_ = false;
}

Status PostgresStore::CreateSchema() {
  // The advisory lock keeps two hubs opening one empty schema from racing on CREATE.
  const std::string sql = "BEGIN; SELECT pg_advisory_xact_lock(hashtext('gallery-store:' || " +
                          std::string("'") + options_.schema + "'));" + pg::SchemaSql(schema_) +
                          "COMMIT;";
  GALLERY_RETURN_IF_ERROR(Exec(sql, "creating the store schema " + options_.schema));
  pg::ResultPtr format(
      PQexecParams(conn_, ("SELECT value FROM " + schema_ + ".meta WHERE key = 'format'").c_str(),
                   0, nullptr, nullptr, nullptr, nullptr, 1));
  if (PQresultStatus(format.get()) != PGRES_TUPLES_OK) {
    return pg::PgError(conn_, format.get(), "reading the store format");
  }
  const std::string found = PQntuples(format.get()) == 1 ? pg::GetBytes(format.get(), 0, 0) : "";
  if (found != pg::kFormat) {
    return FailedPrecondition("postgresql schema " + options_.schema + " holds store format '" +
                              found + "', not '" + std::string(pg::kFormat) + "'");
  }
  return OkStatus();
}

Status PostgresStore::PrepareAll() {
  for (int i = 0; i < pg::kStmtCount; ++i) {
    const std::string name = "g" + std::to_string(i);
    pg::ResultPtr result(PQprepare(
        conn_, name.c_str(), pg::StatementSql(static_cast<Stmt>(i), schema_).c_str(), 0, nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return pg::PgError(conn_, result.get(), "preparing store statement " + name);
    }
  }
  return OkStatus();
}

Status PostgresStore::Ready() {
  AwaitCommit();  // the connection is busy with it until then
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK && !broken_) {
    // Notice a server that went away while the connection was idle (restart, terminated
    // backend): read what it sent, let libpq parse it, read again to see the end of file.
    bool alive = true;
    for (int i = 0; i < 2 && alive; ++i) {
      alive = PQconsumeInput(conn_) == 1 && PQstatus(conn_) == CONNECTION_OK;
      if (alive) (void)PQisBusy(conn_);
    }
    if (alive && PQtransactionStatus(conn_) == PQTRANS_IDLE) return OkStatus();
  }
  GALLERY_RETURN_IF_ERROR(Connect());
  return PrepareAll();
}

Status PostgresStore::Exec(std::string_view sql, std::string_view what) {
  pg::ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return pg::PgError(conn_, result.get(), what);
  }
  return OkStatus();
}

Result<pg::ResultPtr> PostgresStore::Run(Stmt stmt, const Params& params, ExecStatusType expect,
                                         std::string_view what) {
  const std::string name = "g" + std::to_string(static_cast<int>(stmt));
  pg::ResultPtr result(PQexecPrepared(conn_, name.c_str(), params.count(), params.values(),
                                      params.lengths(), params.formats(), /*resultFormat=*/1));
  if (PQresultStatus(result.get()) != expect) return pg::PgError(conn_, result.get(), what);
  return result;
}

Status PostgresStore::Broken(std::string_view what) {
  Status status = pg::PgError(conn_, nullptr, what);
  broken_ = true;
  return Status(Code::kUnavailable, status.message());
}

Result<std::vector<pg::ResultPtr>> PostgresStore::RunPipelined(const std::vector<Call>& calls) {
  GALLERY_RETURN_IF_ERROR(SendPipelined(calls));
  std::vector<Expected> expected;
  for (const Call& call : calls) expected.push_back({call.expect, call.what});
  return ReceivePipelined(expected);
}

Status PostgresStore::SendPipelined(const std::vector<Call>& calls) {
  // Trouble with the pipeline itself (not a statement's error) leaves the connection in no
  // known state: it is dropped, and the call is worth retrying.
  auto broken = [&](std::string_view what) { return Broken(what); };
  if (PQenterPipelineMode(conn_) != 1) return broken("starting a pipeline");
  for (const Call& call : calls) {
    const std::string name = "g" + std::to_string(static_cast<int>(call.stmt));
    const int sent = call.sql != nullptr
                         ? PQsendQueryParams(conn_, call.sql, 0, nullptr, nullptr, nullptr, nullptr,
                                             /*resultFormat=*/1)
                         : PQsendQueryPrepared(conn_, name.c_str(), call.params->count(),
                                               call.params->values(), call.params->lengths(),
                                               call.params->formats(), /*resultFormat=*/1);
    if (sent != 1) return broken(call.what);
  }
  if (PQpipelineSync(conn_) != 1) return broken("sending a pipeline");
  return OkStatus();
}

Result<std::vector<pg::ResultPtr>> PostgresStore::ReceivePipelined(
    const std::vector<Expected>& calls) {
  auto broken = [&](std::string_view what) { return Broken(what); };
  // Each call's result is followed by a null. After a failed call the server skips the
  // rest (PGRES_PIPELINE_ABORTED); the sync's result ends the pipeline.
  Status failed;
  std::vector<pg::ResultPtr> results;
  for (const Expected& call : calls) {
    pg::ResultPtr result(PQgetResult(conn_));
    if (result == nullptr) return broken(call.what);
    if (failed.ok() && PQresultStatus(result.get()) != call.expect) {
      failed = pg::PgError(conn_, result.get(), call.what);
    }
    if (pg::ResultPtr extra(PQgetResult(conn_)); extra != nullptr) return broken(call.what);
    results.push_back(std::move(result));
  }
  pg::ResultPtr sync(PQgetResult(conn_));
  if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn_) != 1) {
    return broken("ending a pipeline");
  }
  if (!failed.ok()) return failed;
  return results;
}

Result<std::vector<std::string>> PostgresStore::FindExisting(
    std::span<const std::string> record_ids) {
  if (record_ids.empty()) return std::vector<std::string>();
  if (in_flight_.has_value()) {
    // Asked on a second connection, so that the next batch is prepared while this one is
    // written; on trouble there, the commit is awaited and the main connection asked.
    if (auto found = FindExistingWhileCommitting(record_ids); found.ok()) return found;
  }
  return RetryingOnLostConnection([&]() -> Result<std::vector<std::string>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    ArrayParam ids(pg::kByteaOid);
    for (const auto& id : record_ids) ids.AddBytes(id);
    Params params;
    params.Array(ids);
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr found, Run(pg::kFindExisting, params, PGRES_TUPLES_OK,
                                                      "looking up record ids"));
    return ExistingIds(found.get(), record_ids, {});
  });
}

Status PostgresStore::Commit(std::span<const NewRecord> records,
                             std::span<const AckedDelivery> acks,
                             const std::string& rule_set_hash) {
  if (records.empty() && acks.empty()) return OkStatus();
  AwaitCommit();
  return CommitMarked(NewMark(), /*attempted=*/false, [&](int64_t mark) {
    GALLERY_ASSIGN_OR_RETURN(InFlight batch, SendCommit(records, acks, rule_set_hash, mark));
    return ReceiveCommit(batch);
  });
}

Status PostgresStore::StartCommit(std::span<const NewRecord> records,
                                  std::span<const AckedDelivery> acks,
                                  const std::string& rule_set_hash) {
  AwaitCommit();
  if (records.empty() && acks.empty()) return OkStatus();
  GALLERY_RETURN_IF_ERROR(Ready());
  const int64_t mark = NewMark();
  auto sent = SendCommit(records, acks, rule_set_hash, mark);
  if (sent.ok()) {
    in_flight_ = std::move(sent).value();
    return OkStatus();
  }
  // Part of it may have reached the server: settled as a commit whose outcome was hidden.
  return CommitMarked(mark, /*attempted=*/true, [&](int64_t same_mark) {
    GALLERY_ASSIGN_OR_RETURN(InFlight batch, SendCommit(records, acks, rule_set_hash, same_mark));
    return ReceiveCommit(batch);
  });
}

Status PostgresStore::FinishCommit() {
  AwaitCommit();
  return std::exchange(finished_, OkStatus());
}

void PostgresStore::AwaitCommit() {
  if (!in_flight_.has_value()) return;
  InFlight batch = std::move(in_flight_).value();
  in_flight_.reset();
  Status status = ReceiveCommit(batch);
  if (status.ok()) {
    last_mark_ = batch.mark;
  } else if (conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK) {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)Exec("ROLLBACK", "rolling back");
  } else if (Ready().ok()) {
    // The lost connection hid how it ended: its mark tells. Not redone when it did not land
    // (the batch is no longer at hand): refused, it is sent again by its publishers.
    if (auto committed = MarkCommitted(batch.mark); committed.ok() && *committed) {
      last_mark_ = batch.mark;
      status = OkStatus();
    }
  }
  finished_ = status;
}

Result<std::vector<std::string>> PostgresStore::FindExistingWhileCommitting(
    std::span<const std::string> record_ids) {
  if (reader_ != nullptr && PQstatus(reader_) != CONNECTION_OK) {
    PQfinish(reader_);
    reader_ = nullptr;
  }
  const std::string name = "g" + std::to_string(static_cast<int>(pg::kFindExisting));
  if (reader_ == nullptr) {
    reader_ = ConnectTo();
    if (reader_ == nullptr) return Unavailable("postgresql: out of memory connecting");
    pg::ResultPtr prepared(
        PQprepare(reader_, name.c_str(), pg::StatementSql(pg::kFindExisting, schema_).c_str(), 0,
                  nullptr));
    if (PQstatus(reader_) != CONNECTION_OK ||
        PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      Status status = pg::PgError(reader_, prepared.get(), "connecting to look up record ids");
      PQfinish(reader_);
      reader_ = nullptr;
      return status;
    }
  }
  ArrayParam ids(pg::kByteaOid);
  for (const auto& id : record_ids) ids.AddBytes(id);
  Params params;
  params.Array(ids);
  pg::ResultPtr found(PQexecPrepared(reader_, name.c_str(), params.count(), params.values(),
                                     params.lengths(), params.formats(), /*resultFormat=*/1));
  if (PQresultStatus(found.get()) != PGRES_TUPLES_OK) {
    return pg::PgError(reader_, found.get(), "looking up record ids");
  }
  return ExistingIds(found.get(), record_ids,
                     {in_flight_->record_ids.begin(), in_flight_->record_ids.end()});
}

int64_t PostgresStore::NewMark() {
  int64_t mark = 0;
  while (mark == 0 || mark == last_mark_) mark = static_cast<int64_t>(marks_());
  return mark;
}

Result<bool> PostgresStore::MarkCommitted(int64_t mark) {
  Params params;
  params.Int64(mark);
  GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr found, Run(pg::kFindMark, params, PGRES_TUPLES_OK,
                                                    "asking whether a commit landed"));
  return pg::GetInt64(found.get(), 0, 0) > 0;
}

Result<PostgresStore::InFlight> PostgresStore::SendCommit(std::span<const NewRecord> records,
                                                          std::span<const AckedDelivery> acks,
                                                          const std::string& rule_set_hash,
                                                          int64_t mark) {
  std::vector<Call> calls = {
      {pg::kStmtCount, nullptr, PGRES_COMMAND_OK, "starting a commit", "BEGIN"}};

  // The records with their deliveries, payloads and withholdings, by position in the batch
  // (1-based, as the statement's WITH ORDINALITY counts).
  Params journal;
  ArrayParam ids(pg::kByteaOid), sources(pg::kTextOid), types(pg::kTextOid), gps(pg::kByteaOid),
      received(pg::kInt8Oid), payloads(pg::kByteaOid);
  ArrayParam d_records(pg::kInt4Oid), d_recipients(pg::kTextOid), d_payloads(pg::kInt4Oid),
      d_rules(pg::kTextOid), d_withheld(pg::kByteaOid);
  ArrayParam p_records(pg::kInt4Oid), p_idxs(pg::kInt4Oid), p_bytes(pg::kByteaOid);
  ArrayParam w_records(pg::kInt4Oid), w_agencies(pg::kTextOid), w_reasons(pg::kTextOid);
  ArrayParam f_records(pg::kInt4Oid), f_facts(pg::kByteaOid);
  ArrayParam audit(pg::kByteaOid);
  // Each delivery in batch order: its record, and the first delivery of that record given
  // the same redaction (whose copy it shares in the cache).
  std::vector<BatchDelivery> batch_deliveries;
  if (!records.empty()) {
    for (size_t i = 0; i < records.size(); ++i) {
      const NewRecord& record = records[i];
      const int32_t ord = static_cast<int32_t>(i + 1);
      ids.AddBytes(record.record_id);
      sources.AddBytes(record.source_agency);
      types.AddBytes(record.record_type);
      gps.AddBytes(record.registered_gp_ods);
      received.AddInt64(record.received_at_us);
      payloads.AddBytes(record.payload);
      std::vector<const std::string*> stored;
      std::vector<size_t> stored_by;  // the first delivery given each of `stored`
      for (const NewDelivery& delivery : record.deliveries) {
        auto same = std::find_if(stored.begin(), stored.end(), [&](const std::string* bytes) {
          return *bytes == delivery.payload;
        });
        const int32_t idx = static_cast<int32_t>(same - stored.begin());
        if (same == stored.end()) {
          stored.push_back(&delivery.payload);
          stored_by.push_back(batch_deliveries.size());
          p_records.AddInt32(ord);
          p_idxs.AddInt32(idx);
          p_bytes.AddBytes(delivery.payload);
        }
        batch_deliveries.push_back({&record, &delivery, stored_by[static_cast<size_t>(idx)]});
        d_records.AddInt32(ord);
        d_recipients.AddBytes(delivery.recipient);
        d_payloads.AddInt32(idx);
        d_rules.AddBytes(JoinLines(delivery.rule_ids));
        d_withheld.AddBytes(JoinLines(delivery.withheld));
      }
      for (const NewWithholding& withholding : record.withholdings) {
        w_records.AddInt32(ord);
        w_agencies.AddBytes(withholding.agency);
        w_reasons.AddBytes(withholding.reason);
      }
      for (const std::string& fact : record.registry_facts) {
        f_records.AddInt32(ord);
        f_facts.AddBytes(fact);
      }
      if (!record.audit_entry.empty()) audit.AddBytes(record.audit_entry);
    }
    for (const ArrayParam* array : {&ids, &sources, &types, &gps, &received, &payloads}) {
      journal.Array(*array);
    }
    journal.Bytes(rule_set_hash);
    for (const ArrayParam* array : {&d_records, &d_recipients, &d_payloads, &d_rules, &d_withheld,
                                    &p_records, &p_idxs, &p_bytes, &w_records, &w_agencies,
                                    &w_reasons, &f_records, &f_facts}) {
      journal.Array(*array);
    }
    calls.push_back({pg::kJournalBatch, &journal, PGRES_TUPLES_OK, "journaling records"});
  }
  Params audit_params;
  if (audit.size() > 0) {
    audit_params.Array(audit);
    calls.push_back(
        {pg::kAppendAudit, &audit_params, PGRES_COMMAND_OK, "appending to the audit log"});
  }

  // Acks, one statement per recipient; then COMMIT: the whole commit is one round trip.
  std::map<std::string, ArrayParam> acked;
  for (const AckedDelivery& ack : acks) {
    acked.try_emplace(ack.recipient, pg::kInt8Oid)
        .first->second.AddInt64(static_cast<int64_t>(ack.delivery_id));
  }
  const int64_t now = NowMicros();
  std::vector<Params> ack_params(acked.size());
  size_t i = 0;
  for (const auto& [recipient, ack_ids] : acked) {
    Params& params = ack_params[i++];
    params.Bytes(recipient);
    params.Array(ack_ids);
    params.Int64(now);
    calls.push_back({pg::kAckDeliveries, &params, PGRES_COMMAND_OK, "recording acks"});
  }
  Params mark_params = MarkParams(mark);
  calls.push_back({pg::kMarkCommit, &mark_params, PGRES_COMMAND_OK, "marking the commit"});
  calls.push_back({pg::kStmtCount, nullptr, PGRES_COMMAND_OK, "committing the journal", "COMMIT"});
  GALLERY_RETURN_IF_ERROR(SendPipelined(calls));

  // What the results need, copied: the caller's batch may be gone before they come.
  InFlight batch;
  batch.mark = mark;
  batch.journals = !records.empty();
  for (const Call& call : calls) batch.expected.push_back({call.expect, call.what});
  std::vector<std::shared_ptr<const std::string>> copies(batch_deliveries.size());
  batch.deliveries.reserve(batch_deliveries.size());
  for (const BatchDelivery& delivery : batch_deliveries) {
    auto& copy = copies[delivery.same_copy_as];
    if (copy == nullptr) copy = std::make_shared<const std::string>(delivery.delivery->payload);
    batch.deliveries.push_back(
        {delivery.delivery->recipient,
         {copy, delivery.delivery->rule_ids, delivery.record->record_id}});
  }
  batch.acks.assign(acks.begin(), acks.end());
  for (const NewRecord& record : records) batch.record_ids.push_back(record.record_id);
  return batch;
}

Status PostgresStore::ReceiveCommit(InFlight& batch) {
  GALLERY_ASSIGN_OR_RETURN(std::vector<pg::ResultPtr> results, ReceivePipelined(batch.expected));
  if (batch.journals) {
    // Each new delivery's position in the batch and its id, in id order.
    const PGresult* journaled = results[1].get();
    for (int row = 0; row < PQntuples(journaled); ++row) {
      const auto position = static_cast<size_t>(pg::GetInt64(journaled, row, 0)) - 1;
      const auto delivery_id = static_cast<uint64_t>(pg::GetInt64(journaled, row, 1));
      auto& [recipient, delivery] = batch.deliveries.at(position);
      recent_.Add(recipient, delivery_id, std::move(delivery));
    }
  }
  for (const AckedDelivery& ack : batch.acks) recent_.Erase(ack.recipient, ack.delivery_id);
  return OkStatus();
}

Params PostgresStore::MarkParams(int64_t mark) const {
  Params params;
  params.Int64(mark);
  params.Int64(last_mark_);
  return params;
}

Result<std::vector<PendingDelivery>> PostgresStore::Pending(const std::string& recipient,
                                                            uint64_t after, size_t limit) {
  if (std::vector<PendingDelivery> cached; recent_.Pending(recipient, after, limit, cached)) {
    return cached;
  }
  return RetryingOnLostConnection([&]() -> Result<std::vector<PendingDelivery>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    Params params;
    params.Bytes(recipient);
    params.Int64(
        static_cast<int64_t>(std::min<uint64_t>(after, std::numeric_limits<int64_t>::max())));
    params.Int64(
        static_cast<int64_t>(std::min<uint64_t>(limit, std::numeric_limits<int64_t>::max())));
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kPending, params, PGRES_TUPLES_OK,
                                                     "reading the queue of " + recipient));
    std::vector<PendingDelivery> out;
    out.reserve(static_cast<size_t>(PQntuples(rows.get())));
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      out.push_back({static_cast<uint64_t>(pg::GetInt64(rows.get(), row, 0)),
                     pg::GetBytes(rows.get(), row, 1),
                     SplitLines(pg::GetBytes(rows.get(), row, 2)),
                     pg::GetBytes(rows.get(), row, 3)});
    }
    return out;
  });
}

}  // namespace gallery::store
