#include "hub/server/ingest.h"

#include <unordered_set>

#include <google/protobuf/util/time_util.h>

#include "hub/ingest/record_validator.h"

namespace gallery::server {

Status CheckPublishedRecord(v1::Record& record, const std::string& session_agency) {
  if (record.source_agency().empty()) record.set_source_agency(session_agency);
  if (record.source_agency() != session_agency) {
    return PermissionDenied("source_agency: '" + record.source_agency() +
                            "' does not match the publishing agency '" + session_agency + "'");
  }
  return ingest::ValidateRecord(record);
}

Result<std::vector<store::NewRecord>> PrepareBatch(std::vector<PendingPublish>& batch,
                                                   const router::RuleSet& rules,
                                                   store::Store& store, int64_t received_at_us) {
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  std::unordered_set<std::string> seen;
  for (auto& publish : batch) {
    if (!seen.insert(publish.record.record_id()).second) {
      publish.duplicate = true;
    } else {
      ids.push_back(publish.record.record_id());
    }
  }
  auto existing = store.FindExisting(ids);
  if (!existing.ok()) return existing.status();
  const std::unordered_set<std::string> journaled(existing->begin(), existing->end());

  std::vector<store::NewRecord> out;
  for (auto& publish : batch) {
    if (publish.duplicate) continue;
    if (journaled.contains(publish.record.record_id())) {
      publish.duplicate = true;
      continue;
    }
    v1::Record& record = publish.record;
    *record.mutable_received_at() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(received_at_us);
    const router::Decision decision = rules.Route(record);

    store::NewRecord entry;
    entry.record_id = record.record_id();
    entry.source_agency = record.source_agency();
    entry.record_type = record.record_type();
    entry.registered_gp_ods = record.subject().registered_gp_ods();
    entry.received_at_us = received_at_us;
    entry.payload = record.SerializeAsString();
    for (const auto& disclosure : decision.disclosures) {
      entry.deliveries.push_back({disclosure.recipient, disclosure.rule_ids, disclosure.withheld,
                                  disclosure.redacted.SerializeAsString()});
    }
    for (const auto& withholding : decision.withholdings) {
      entry.withholdings.push_back({withholding.agency, withholding.reason});
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace gallery::server
