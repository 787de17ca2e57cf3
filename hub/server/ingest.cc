#include "hub/server/ingest.h"

#include <string_view>
#include <unordered_set>
#include <utility>

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include "hub/audit/record_audit.h"
#include "hub/ingest/record_validator.h"
#include "hub/router/redacted_encoder.h"
#include "hub/server/alert_entries.h"
#include "hub/server/corrections.h"

namespace gallery::server {
namespace {

// Record.received_at: field 11, length-delimited (proto/gallery/v1/record.proto).
constexpr uint8_t kReceivedAtTag = (11 << 3) | 2;

// The record types and the id part of the records the hub makes (hub/involvement/).
constexpr std::string_view kHubRecordDomain = "involvement.";
constexpr std::string_view kHubRecordIdMark = "/involvement-";

}  // namespace

Status CheckPublishedRecord(v1::Record& record, const std::string& session_agency,
                            const RecordLimits& limits) {
  if (record.source_agency().empty()) record.set_source_agency(session_agency);
  if (record.source_agency() != session_agency) {
    return PermissionDenied("source_agency: '" + record.source_agency() +
                            "' does not match the publishing agency '" + session_agency + "'");
  }
  // Involvement alerts and notices are the hub's own records: an agency may neither publish
  // one, nor take one's id first (its alert would then be a duplicate, never delivered),
  // nor amend or retract one.
  if (record.record_type().starts_with(kHubRecordDomain)) {
    return PermissionDenied("record_type: '" + record.record_type() +
                            "' is kept for records the hub makes itself");
  }
  const std::pair<std::string_view, const std::string*> ids[] = {
      {"record_id", &record.record_id()},
      {"amends", &record.amends()},
      {"retracts", &record.retracts()}};
  for (const auto& [field, id] : ids) {
    if (id->find(kHubRecordIdMark) != std::string::npos) {
      return PermissionDenied(std::string(field) + ": '" + *id +
                              "' names a record the hub makes itself");
    }
  }
  return ingest::ValidateRecord(record, limits);
}

Result<std::vector<store::NewRecord>> PrepareBatch(std::vector<PendingPublish>& batch,
                                                   const router::RuleSet& rules,
                                                   registry::Registry& registry,
                                                   store::Store& store, int64_t received_at_us,
                                                   audit::AuditChain& audit) {
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(batch.size());
  for (auto& publish : batch) {
    if (!seen.insert(publish.record->record_id()).second) {
      publish.duplicate = true;
    } else {
      ids.push_back(publish.record->record_id());
    }
  }
  auto existing = store.FindExisting(ids);
  if (!existing.ok()) return existing.status();
  const std::unordered_set<std::string_view> journaled(existing->begin(), existing->end());
  for (auto& publish : batch) {
    if (journaled.contains(publish.record->record_id())) publish.duplicate = true;
  }
  GALLERY_ASSIGN_OR_RETURN(CorrectedRecords corrected, CorrectedRecords::Find(batch, store));

  const auto received_at =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(received_at_us);
  std::vector<store::NewRecord> out;
  out.reserve(batch.size());
  // Reused record after record, so that routing a batch allocates little.
  router::RoutePlan plan;
  std::vector<std::string> views;  // one serialized redaction per distinct view
  audit_log::v1::Entry audit_entry;
  for (auto& publish : batch) {
    if (publish.duplicate) continue;
    v1::Record& record = *publish.record;
    std::vector<router::EarlierRecipient> earlier;
    if (!record.amends().empty() || !record.retracts().empty()) {
      if (const store::DisclosedRecord* original = corrected.Original(record)) {
        publish.refusal =
            router::CheckCorrectionSource(record, original->record_id, original->source_agency);
        if (!publish.refusal.ok()) continue;
        earlier = EarlierRecipients(*original);
      } else {
        spdlog::warn("record {} from {} corrects record {}, which the hub has not journaled: "
                     "routed by the rules alone",
                     record.record_id(), record.source_agency(),
                     record.amends().empty() ? record.retracts() : record.amends());
      }
    }
    *record.mutable_received_at() = received_at;
    std::vector<std::string> facts = registry.Learn(record);
    rules.Plan(record, registry, plan);
    if (!earlier.empty()) rules.AddCorrectionGrants(record, earlier, plan);

    store::NewRecord& entry = out.emplace_back();
    entry.registry_facts = std::move(facts);
    entry.record_id = record.record_id();
    entry.source_agency = record.source_agency();
    entry.record_type = record.record_type();
    entry.registered_gp_ods = record.subject().registered_gp_ods();
    entry.received_at_us = received_at_us;
    if (publish.record_bytes.empty()) {
      entry.payload = record.SerializeAsString();
    } else {
      // received_at is the record's last field (11) and was absent, so appending it gives
      // the bytes serializing the record would, up to unknown fields' places.
      const size_t timestamp_size = received_at.ByteSizeLong();
      entry.payload.reserve(publish.record_bytes.size() + timestamp_size + 3);
      entry.payload.assign(publish.record_bytes);
      entry.payload.push_back(static_cast<char>(kReceivedAtTag));
      entry.payload.push_back(static_cast<char>(timestamp_size));  // under 128: one byte
      received_at.AppendToString(&entry.payload);
    }
    views.resize(plan.views.size());
    for (size_t v = 0; v < plan.views.size(); ++v) {
      views[v].clear();
      router::AppendRedacted(record, plan.items, plan.views[v].allowed, plan.views[v].headings,
                               views[v]);
    }
    entry.deliveries.reserve(plan.grants.size());
    for (const auto& grant : plan.grants) {
      // A correction sent on no rule journals its basis where rule ids go, so that reports
      // and the recipient's Deliver say why it came.
      store::NewDelivery& delivery = entry.deliveries.emplace_back(store::NewDelivery{
          grant.recipient,
          grant.basis.empty() ? grant.rule_ids
                              : std::vector<std::string>{std::string(grant.basis)},
          plan.views[grant.view].withheld, views[grant.view]});
      for (const router::OverrideUse& use : grant.overrides) {
        delivery.consent_overrides.emplace_back(use.rule_id, router::ConsentStatusName(use.consent));
      }
    }
    entry.withholdings.reserve(plan.withholdings.size());
    for (auto& withholding : plan.withholdings) {
      entry.withholdings.push_back(
          {std::move(withholding.agency), std::move(withholding.reason), withholding.kind});
    }
    audit::DescribeRecord(record, entry, plan, audit.pseudonym(), rules.content_hash(),
                          audit_entry);
    entry.audit_entry = audit.Seal(audit_entry);
    corrected.NoteJournaled(entry);
    AppendAlertEntries(record, rules, registry, received_at_us, audit, out);
  }
  return out;
}

}  // namespace gallery::server
