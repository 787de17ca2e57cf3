// PostgresStore: what the recipients of given records were given, for routing corrections.
#include <unordered_map>

#include "hub/store/line_list.h"
#include "hub/store/postgres_store.h"

namespace gallery::store {

Result<std::vector<DisclosedRecord>> PostgresStore::Disclosures(
    std::span<const std::string> record_ids) {
  if (record_ids.empty()) return std::vector<DisclosedRecord>();
  return RetryingOnLostConnection([&]() -> Result<std::vector<DisclosedRecord>> {
    GALLERY_RETURN_IF_ERROR(Ready());
    pg::ArrayParam ids(pg::kByteaOid);
    for (const auto& id : record_ids) ids.AddBytes(id);
    pg::Params params;
    params.Array(ids);
    GALLERY_ASSIGN_OR_RETURN(pg::ResultPtr rows, Run(pg::kDisclosures, params, PGRES_TUPLES_OK,
                                                     "reading the deliveries of records"));
    std::unordered_map<std::string, DisclosedRecord> found;
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      std::string id = pg::GetBytes(rows.get(), row, 0);
      auto [it, added] = found.try_emplace(id);
      DisclosedRecord& record = it->second;
      if (added) {
        record.record_id = std::move(id);
        record.source_agency = pg::GetBytes(rows.get(), row, 1);
        record.payload = pg::GetBytes(rows.get(), row, 2);
      }
      if (PQgetisnull(rows.get(), row, 3)) continue;
      record.recipients.push_back(
          {pg::GetBytes(rows.get(), row, 3), SplitLines(pg::GetBytes(rows.get(), row, 4))});
    }
    std::vector<DisclosedRecord> out;
    for (const auto& id : record_ids) {
      auto it = found.find(id);
      if (it != found.end()) out.push_back(std::move(it->second));
    }
    return out;
  });
}

}  // namespace gallery::store
