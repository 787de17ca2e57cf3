// PostgresStore: what reports read (queue lengths, the journal's decisions).
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

Result<std::vector<RecordSummary>> PostgresStore::Summaries() {
  return RetryingOnLostConnection([&]() -> Result<std::vector<RecordSummary>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    std::vector<RecordSummary> out;
    // One snapshot for the three reads, so that a concurrent commit is seen whole or not.
    GALLERY_RETURN_IF_ERROR(
        Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading the journal"));
    Status status = [&]() -> Status {
      GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr records, Run(pg::kSummaryRecords, pg::Params(),
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
        index[static_cast<int64_t>(summary.seq)] = out.size();
        out.push_back(std::move(summary));
      }
      GALLERY_ASSIGN_OR_RETURN(
          pg::ResultPtr deliveries,
          Run(pg::kSummaryDeliveries, pg::Params(), PGRES_TUPLES_OK, "reading deliveries"));
      for (int row = 0; row < PQntuples(deliveries.get()); ++row) {
        auto it = index.find(pg::GetInt64(deliveries.get(), row, 0));
        if (it == index.end()) continue;
        out[it->second].disclosures.push_back(
            {pg::GetBytes(deliveries.get(), row, 1),
             SplitLines(pg::GetBytes(deliveries.get(), row, 2)),
             SplitLines(pg::GetBytes(deliveries.get(), row, 3)),
             pg::GetBool(deliveries.get(), row, 4)});
      }
      GALLERY_ASSIGN_OR_RETURN(
          pg::ResultPtr withholdings,
          Run(pg::kSummaryWithholdings, pg::Params(), PGRES_TUPLES_OK, "reading withholdings"));
      for (int row = 0; row < PQntuples(withholdings.get()); ++row) {
        auto it = index.find(pg::GetInt64(withholdings.get(), row, 0));
        if (it == index.end()) continue;
        out[it->second].withholdings.push_back(
            {pg::GetBytes(withholdings.get(), row, 1), pg::GetBytes(withholdings.get(), row, 2)});
      }
      return OkStatus();
    }();
    if (status.ok()) status = Exec("COMMIT", "reading the journal");
    if (!status.ok()) {
      if (PQstatus(conn_) == CONNECTION_OK) (void)Exec("ROLLBACK", "rolling back");
      return status;
    }
    return out;
  });
}

}  // namespace gallery::store
