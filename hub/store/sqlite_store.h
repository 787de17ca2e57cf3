// SqliteStore: the embedded store, one SQLite database in WAL mode with full sync.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "hub/store/sqlite_statement.h"
#include "hub/store/store.h"

namespace gallery::store {

// Not thread-safe (see Store). Commit returns only after SQLite has synced the WAL, so a
// confirmed record survives a crash or power loss.
class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path`, creating the schema. kUnavailable when the
  // file cannot be opened; kDataLoss when it is not a Gallery store or is corrupt.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

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
  Status DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id, uint32_t attempts,
                            const std::string& reason, int64_t at_us) override;
  Result<std::vector<DeadLetter>> DeadLetters() override;
  Result<DeadLetter> GetDeadLetter(uint64_t id, bool with_payload) override;
  Result<uint64_t> RetryDeadLetter(uint64_t id) override;
  Status DropDeadLetter(uint64_t id) override;
  using Store::PurgePayloads;
  Result<uint64_t> PurgePayloads(int64_t before_us, const PurgeAudit& audit) override;
  Status AppendAudit(std::span<const std::string> entries) override;
  Result<uint64_t> AuditCount() override;
  Result<std::vector<std::string>> AuditEntries(uint64_t after, size_t limit) override;

 private:
  explicit SqliteStore(sqlite3* db);
  void Prepare();
  // Runs `work` in one durable transaction; rolls back if it fails.
  Status InTransaction(const std::function<Status()>& work, std::string_view what);
  Status LoadDeliveryCounters();
  // Inside a transaction (sqlite_audit.cc).
  Status InsertAudit(const std::string& entry);
  // The summaries of the records received at or after `since_us`, in journal order; with
  // `received`, each one's time of receipt and payload too (sqlite_reports.cc).
  Status ReadSummaries(int64_t since_us, std::vector<RecordSummary>& out,
                       std::vector<std::pair<int64_t, std::string>>* received);
  Status CommitInTransaction(std::span<const NewRecord> records,
                             std::span<const AckedDelivery> acks, const std::string& rule_set_hash,
                             std::unordered_map<std::string, uint64_t>& counters);

  sqlite3* db_;
  Statement find_record_;
  Statement insert_record_;
  Statement insert_payload_;
  Statement insert_delivery_;
  Statement insert_withholding_;
  Statement insert_fact_;
  Statement insert_audit_;
  Statement ack_delivery_;
  Statement pending_;
  // Highest delivery id given to each recipient. Ids count per recipient, so a recipient
  // learns nothing from them about other agencies' traffic.
  std::unordered_map<std::string, uint64_t> last_delivery_id_;
};

}  // namespace gallery::store
