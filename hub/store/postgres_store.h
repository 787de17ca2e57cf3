// PostgresStore: the server-backed store, tables in one schema of a PostgreSQL database
// reached through libpq. Same contract as the embedded SqliteStore (see store.h).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
// A lost connection fails the call in hand with kUnavailable (reads and Commit, which are
// idempotent, are first retried once on a fresh connection); the next call reconnects.
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
  // Commit's work: BEGIN and the records; the delivery counters; the rest and COMMIT. Three
  // round trips, whatever the batch holds.
  Status CommitPipelined(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                         const std::string& rule_set_hash);

  PostgresOptions options_;
  std::string schema_;  // quoted
  PGconn* conn_ = nullptr;
  bool broken_ = false;  // the connection is in no known state: replace it before use
};

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
