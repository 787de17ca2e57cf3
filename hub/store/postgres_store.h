// PostgresStore: the server-backed store, tables in one schema of a PostgreSQL database
// reached through libpq. Same contract as the embedded SqliteStore (see store.h).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/store/postgres_recent_deliveries.h"
#include "hub/store/postgres_sql.h"
#include "hub/store/postgres_wire.h"
#include "hub/store/store.h"

namespace gallery::store {

// Where a PostgresStore keeps its tables.
struct PostgresOptions {
  std::string dsn;                 // libpq connection string, e.g. "host=... dbname=... user=..."
  std::string schema = "gallery";  // created if absent; [a-z_][a-z0-9_]* (up to 63 bytes)
};

// Not thread-safe (see Store). Every commit is one transaction committed with
// synchronous_commit on, so a confirmed record is in the server's WAL on disk. Delivery
// counters live in the database, so ids stay correct across reconnects and hub instances.
// A lost connection fails the call in hand with kUnavailable (reads are first retried once
// on a fresh connection, and so are Commit and AppendAudit unless their commit mark shows
// they landed); the next call reconnects. Unacked deliveries it committed are kept in
// memory (RecentDeliveries), so Pending for a recipient that keeps up needs no round trip.
class PostgresStore final : public Store {
 public:
  // Connects and creates the schema and its tables when absent. kInvalidArgument for a
  // malformed DSN or schema name; kUnavailable when the server cannot be reached or refuses
  // the login; kFailedPrecondition when the schema holds another format's tables.
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);
  ~PostgresStore() override;

  Result<std::vector<std::string>> FindExisting(std::span<const std::string> record_ids) override;
  Status Commit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                const std::string& rule_set_hash) override;
  // Sends the commit and returns; FinishCommit reads its outcome. Meanwhile FindExisting
  // asks a second connection, and any other call first waits for the commit.
  Status StartCommit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                     const std::string& rule_set_hash) override;
  Status FinishCommit() override;
  Result<std::vector<PendingDelivery>> Pending(const std::string& recipient, uint64_t after,
                                               size_t limit) override;
  Result<std::vector<std::pair<std::string, uint64_t>>> PendingCounts() override;
  Result<std::vector<DisclosedRecord>> Disclosures(
      std::span<const std::string> record_ids) override;
  Result<std::vector<RecordSummary>> Summaries() override;
  Result<std::vector<ReceivedRecord>> ReceivedSince(int64_t since_us) override;
  Result<std::vector<std::string>> RegistryFacts() override;
  Status AppendAudit(std::span<const std::string> entries) override;
  Result<uint64_t> AuditCount() override;
  Result<std::vector<std::string>> AuditEntries(uint64_t after, size_t limit) override;
  Status DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id, uint32_t attempts,
                            const std::string& reason, int64_t at_us) override;
  Result<std::vector<DeadLetter>> DeadLetters() override;
  Result<DeadLetter> GetDeadLetter(uint64_t id, bool with_payload) override;
  Result<uint64_t> RetryDeadLetter(uint64_t id) override;
  Status DropDeadLetter(uint64_t id) override;
  using Store::PurgePayloads;
  Result<uint64_t> PurgePayloads(int64_t before_us, const PurgeAudit& audit) override;

  // The server process serving this store's connection (0 when disconnected); for tests
  // that cut the connection.
  int BackendPid() const;

 private:
  explicit PostgresStore(PostgresOptions options);
  // Makes sure there is a live, idle connection with the statements prepared.
  Status Ready();
  Status Connect();
  void Disconnect();
  Status CreateSchema();
  Status PrepareAll();
  // Runs a prepared statement, results in binary; fails unless it returns `expect`.
  Result<pg::ResultPtr> Run(pg::Stmt stmt, const pg::Params& params, ExecStatusType expect,
                            std::string_view what);
  // One statement of a pipeline: prepared statement `stmt` with `params`, or, when `sql` is
  // set, that text without parameters.
  struct Call {
    pg::Stmt stmt;
    const pg::Params* params;
    ExecStatusType expect;
    std::string_view what;
    const char* sql = nullptr;
  };
  // Sends `calls` in one pipeline, so they cost one round trip, and returns their results in
  // order. Fails with the first failed call's error (the calls after it are not run). On
  // trouble with the pipeline itself the connection is dropped; the next call reconnects.
  Result<std::vector<pg::ResultPtr>> RunPipelined(const std::vector<Call>& calls);
  // RunPipelined in halves: sending, then reading the results of calls expecting these.
  struct Expected {
    ExecStatusType expect;
    std::string_view what;
  };
  Status SendPipelined(const std::vector<Call>& calls);
  Result<std::vector<pg::ResultPtr>> ReceivePipelined(const std::vector<Expected>& calls);
  // Marks the connection for replacement; kUnavailable naming `what`.
  Status Broken(std::string_view what);
  // A new connection to the DSN, with the store's defaults; null when out of memory.
  PGconn* ConnectTo() const;
  // Runs `sql` (no parameters, no results expected).
  Status Exec(std::string_view sql, std::string_view what);
  // Runs `call` once more on a fresh connection when it failed because the connection was
  // lost. Only for calls whose repetition is harmless.
  template <typename F>
  auto RetryingOnLostConnection(F call) -> decltype(call());
  // The summaries of the records received at or after `since_us`, in journal order, read in
  // one snapshot; with `received`, each one's time of receipt and payload too.
  Status ReadSummaries(int64_t since_us, std::vector<RecordSummary>& out,
                       std::vector<std::pair<int64_t, std::string>>* received);
  // A commit sent and not yet read back, with what its results need.
  struct InFlight {
    int64_t mark = 0;
    std::vector<Expected> expected;
    bool journals = false;  // the second call is kJournalBatch
    // Each delivery of the batch, in batch order, as the cache would keep it.
    std::vector<std::pair<std::string, pg::RecentDeliveries::Delivery>> deliveries;
    std::vector<AckedDelivery> acks;
    std::vector<std::string> record_ids;
  };
  // Commit's work in one round trip: BEGIN, the records, the audit entries, the acks, the
  // commit's mark, COMMIT. SendCommit sends it; ReceiveCommit reads its outcome and keeps
  // its deliveries in recent_.
  Result<InFlight> SendCommit(std::span<const NewRecord> records,
                              std::span<const AckedDelivery> acks,
                              const std::string& rule_set_hash, int64_t mark);
  Status ReceiveCommit(InFlight& batch);
  // Reads the outcome of the commit in flight, if any, into finished_.
  void AwaitCommit();
  // FindExisting on the second connection, counting the ids of the commit in flight.
  Result<std::vector<std::string>> FindExistingWhileCommitting(
      std::span<const std::string> record_ids);
  // Runs `attempt(mark)`, a transaction that leaves `mark` in commit_marks (kMarkCommit with
  // MarkParams), rolled back if it fails. When the connection is lost on the way (or was,
  // when `attempted`), asks a fresh one whether the mark is there before running it
  // (again): the audit log has no index that would make a repeat harmless.
  template <typename F>
  Status CommitMarked(int64_t mark, bool attempted, F attempt);
  int64_t NewMark();
  // kMarkCommit's parameters: `mark` in place of this store's previous one.
  pg::Params MarkParams(int64_t mark) const;
  Result<bool> MarkCommitted(int64_t mark);

  // A delivery of a commit's batch: its record, and the position of the batch's first
  // delivery of that record with the same redaction.
  struct BatchDelivery {
    const NewRecord* record;
    const NewDelivery* delivery;
    size_t same_copy_as;
  };

  PostgresOptions options_;
  std::string schema_;  // quoted
  PGconn* conn_ = nullptr;
  bool broken_ = false;  // the connection is in no known state: replace it before use
  std::mt19937_64 marks_{std::random_device()()};
  int64_t last_mark_ = 0;  // the mark of this store's last commit (0: none yet)
  std::optional<InFlight> in_flight_;
  Status finished_;  // the outcome of the last commit started, until FinishCommit
  PGconn* reader_ = nullptr;  // for FindExisting while a commit is in flight
  // The unacked deliveries this store committed, so that a recipient that keeps up is fed
  // without reading its queue back from the server.
  static constexpr size_t kRecentDeliveriesBytes = 64 << 20;
  pg::RecentDeliveries recent_{kRecentDeliveriesBytes};
};

template <typename F>
Status PostgresStore::CommitMarked(int64_t mark, bool attempted, F attempt) {
  auto result = RetryingOnLostConnection([&]() -> Result<bool> {
    GALLERY_RETURN_IF_ERROR(Ready());
    if (std::exchange(attempted, true)) {  // the lost connection hid how it ended
      GALLERY_ASSIGN_OR_RETURN(const bool committed, MarkCommitted(mark));
      if (committed) {
        last_mark_ = mark;
        return true;
      }
    }
    Status status = attempt(mark);
    if (!status.ok() && conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK &&
        PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      (void)Exec("ROLLBACK", "rolling back");  // nothing of the transaction stays
    }
    if (!status.ok()) return status;
    last_mark_ = mark;
    return true;
  });
  return result.status();
}

template <typename F>
auto PostgresStore::RetryingOnLostConnection(F call) -> decltype(call()) {
  auto first = call();
  if (first.ok() || first.status().code() != Code::kUnavailable || conn_ == nullptr ||
      (PQstatus(conn_) == CONNECTION_OK && !broken_)) {
    return first;
  }
  return call();  // Ready() inside `call` reconnects
}

}  // namespace gallery::store
