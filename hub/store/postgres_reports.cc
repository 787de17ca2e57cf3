// PostgresStore: what reports read (queue lengths, the journal's decisions, the registry
// facts).
#include <cstdint>
#include <unordered_map>

#include "hub/store/line_list.h"
#include "hub/store/postgres_store.h"

namespace gallery::store {

Result<std::vector<std::pair<std::string, uint64_t>>> PostgresStore::PendingCounts() {
  using Counts = std::vector<std::pair<std::string, uint64_t>>;
  return RetryingOnLostConnection([&]() -> Result<Counts> {
    GALLERY_RETURN_IF_ERROR(Ready());
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kPendingCounts, pg::Params(),
                                                     PGRES_TUPLES_OK, "counting queues"));
    Counts out;
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      out.emplace_back(pg::GetBytes(rows.get(), row, 0),
                       static_cast<uint64_t>(pg::GetInt64(rows.get(), row, 1)));
    }
    return out;
  });
}

Status PostgresStore::ReadSummaries(int64_t since_us, std::vector<RecordSummary>& out,
                                    std::vector<std::pair<int64_t, std::string>>* received) {
  GALLERY_RETURN_IF_ERROR(Ready());
  // One snapshot for the three reads, so that a concurrent commit is seen whole or not.
  GALLERY_RETURN_IF_ERROR(
      Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading the journal"));
  Status status = [&]() -> Status {
    pg::Params since;
    since.Int64(since_us);
    pg::Params records_params = since;
    records_params.Int32(received != nullptr ? 1 : 0);
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr records, Run(pg::kSummaryRecords, records_params,
                                                        PGRES_TUPLES_OK, "reading records"));
    std::unordered_map<int64_t, size_t> index;
    for (int row = 0; row < PQntuples(records.get()); ++row) {
      RecordSummary summary;
      summary.seq = static_cast<uint64_t>(pg::GetInt64(records.get(), row, 0));
      summary.record_id = pg::GetBytes(records.get(), row, 1);
      summary.source_agency = pg::GetBytes(records.get(), row, 2);
      summary.record_type = pg::GetBytes(records.get(), row, 3);
      summary.registered_gp_ods = pg::GetBytes(records.get(), row, 4);
      summary.rule_set_hash = pg::GetBytes(records.get(), row, 5);
      if (received != nullptr) {
        received->emplace_back(pg::GetInt64(records.get(), row, 6),
                               pg::GetBytes(records.get(), row, 7));
      }
      index[static_cast<int64_t>(summary.seq)] = out.size();
      out.push_back(std::move(summary));
    }
    GALLERY_ASSIGN_OR_RETURN(
        pg::ResultPtr deliveries,
        Run(pg::kSummaryDeliveries, since, PGRES_TUPLES_OK, "reading deliveries"));
    for (int row = 0; row < PQntuples(deliveries.get()); ++row) {
      auto it = index.find(pg::GetInt64(deliveries.get(), row, 0));
      if (it == index.end()) continue;
      out[it->second].disclosures.push_back({pg::GetBytes(deliveries.get(), row, 1),
                                             SplitLines(pg::GetBytes(deliveries.get(), row, 2)),
                                             SplitLines(pg::GetBytes(deliveries.get(), row, 3)),
                                             pg::GetBool(deliveries.get(), row, 4)});
    }
    GALLERY_ASSIGN_OR_RETURN(
        pg::ResultPtr withholdings,
        Run(pg::kSummaryWithholdings, since, PGRES_TUPLES_OK, "reading withholdings"));
    for (int row = 0; row < PQntuples(withholdings.get()); ++row) {
      auto it = index.find(pg::GetInt64(withholdings.get(), row, 0));
      if (it == index.end()) continue;
      out[it->second].withholdings.push_back(
          {pg::GetBytes(withholdings.get(), row, 1), pg::GetBytes(withholdings.get(), row, 2)});
    }
    return OkStatus();
  }();
  if (status.ok()) status = Exec("COMMIT", "reading the journal");
  if (!status.ok() && PQstatus(conn_) == CONNECTION_OK) (void)Exec("ROLLBACK", "rolling back");
  return status;
}

Result<std::vector<RecordSummary>> PostgresStore::Summaries() {
  return RetryingOnLostConnection([&]() -> Result<std::vector<RecordSummary>> {
    std::vector<RecordSummary> out;
    GALLERY_RETURN_IF_ERROR(ReadSummaries(INT64_MIN, out, nullptr));
    return out;
  });
}

Result<std::vector<ReceivedRecord>> PostgresStore::ReceivedSince(int64_t since_us) {
  return RetryingOnLostConnection([&]() -> Result<std::vector<ReceivedRecord>> {
    std::vector<RecordSummary> summaries;
    std::vector<std::pair<int64_t, std::string>> received;
    GALLERY_RETURN_IF_ERROR(ReadSummaries(since_us, summaries, &received));
    std::vector<ReceivedRecord> out;
    out.reserve(summaries.size());
    for (size_t i = 0; i < summaries.size(); ++i) {
      out.push_back({std::move(summaries[i]), received[i].first, std::move(received[i].second)});
    }
    return out;
  });
}

Result<std::vector<std::string>> PostgresStore::RegistryFacts() {
  return RetryingOnLostConnection([&]() -> Result<std::vector<std::string>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kRegistryFacts, pg::Params(),
                                                     PGRES_TUPLES_OK, "reading registry facts"));
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(PQntuples(rows.get())));
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      out.push_back(pg::GetBytes(rows.get(), row, 0));
    }
    return out;
  });
}

Status PostgresStore::AppendAudit(std::span<const std::string> entries) {
  if (entries.empty()) return OkStatus();
  // One transaction, all of the entries or none, in one round trip.
  pg::ArrayParam audit(pg::kByteaOid);
  for (const std::string& entry : entries) audit.AddBytes(entry);
  pg::Params params;
  params.Array(audit);
  AwaitCommit();
  return CommitMarked(NewMark(), /*attempted=*/false, [&](int64_t mark) {
    const pg::Params mark_params = MarkParams(mark);
    return RunPipelined({{pg::kStmtCount, nullptr, PGRES_COMMAND_OK, "starting an append", "BEGIN"},
                         {pg::kAppendAudit, &params, PGRES_COMMAND_OK, "appending to the audit log"},
                         {pg::kMarkCommit, &mark_params, PGRES_COMMAND_OK, "marking the commit"},
                         {pg::kStmtCount, nullptr, PGRES_COMMAND_OK, "committing an append",
                          "COMMIT"}})
        .status();
  });
}

Result<uint64_t> PostgresStore::AuditCount() {
  return RetryingOnLostConnection([&]() -> Result<uint64_t> {
    GALLERY_RETURN_IF_ERROR(Ready());
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kAuditCount, pg::Params(),
                                                     PGRES_TUPLES_OK, "counting audit entries"));
    return static_cast<uint64_t>(pg::GetInt64(rows.get(), 0, 0));
  });
}

Result<std::vector<std::string>> PostgresStore::AuditEntries(uint64_t after, size_t limit) {
  return RetryingOnLostConnection([&]() -> Result<std::vector<std::string>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    pg::Params params;
    params.Int64(static_cast<int64_t>(std::min<uint64_t>(after, INT64_MAX)));
    params.Int64(static_cast<int64_t>(std::min<uint64_t>(limit, INT64_MAX)));
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kAuditEntries, params, PGRES_TUPLES_OK,
                                                     "reading the audit log"));
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(PQntuples(rows.get())));
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      out.push_back(pg::GetBytes(rows.get(), row, 0));
    }
    return out;
  });
}

}  // namespace gallery::store
