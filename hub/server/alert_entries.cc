#include "hub/server/alert_entries.h"

#include <string>

#include <spdlog/spdlog.h>

#include "hub/audit/record_audit.h"
#include "hub/involvement/involvement_alert.h"
#include "hub/router/route_plan.h"

namespace gallery::server {
namespace {

// One generated record for `recipient`, journaled whole (the hub wrote only what the
// recipient may see), with an audit entry naming the rule and any consent it overrode.
void AppendEntry(const v1::Record& generated, const involvement::Alert& alert,
                 const std::string& recipient, const router::RuleSet& rules,
                 int64_t received_at_us, audit::AuditChain& audit,
                 std::vector<store::NewRecord>& out) {
  router::RoutePlan plan;
  plan.views.emplace_back();
  router::Grant& grant = plan.grants.emplace_back();
  grant.recipient = recipient;
  grant.rule_ids = {alert.rule->id};
  grant.purposes = {alert.rule->purpose};
  if (alert.overridden != router::ConsentStatus::kNone) {
    grant.overrides.push_back({alert.rule->id, alert.overridden, alert.consent_record_id});
  }

  store::NewRecord& entry = out.emplace_back();
  entry.record_id = generated.record_id();
  entry.source_agency = generated.source_agency();
  entry.record_type = generated.record_type();
  entry.received_at_us = received_at_us;
  entry.payload = generated.SerializeAsString();
  store::NewDelivery& delivery = entry.deliveries.emplace_back(
      store::NewDelivery{recipient, grant.rule_ids, {}, entry.payload});
  for (const router::OverrideUse& use : grant.overrides) {
    delivery.consent_overrides.emplace_back(use.rule_id, router::ConsentStatusName(use.consent));
  }
  audit_log::v1::Entry audit_entry;
  audit::DescribeRecord(generated, entry, plan, audit.pseudonym(), rules.content_hash(),
                        audit_entry);
  entry.audit_entry = audit.Seal(audit_entry);
}

}  // namespace

void AppendAlertEntries(const v1::Record& record, const router::RuleSet& rules,
                        const registry::Registry& registry, int64_t received_at_us,
                        audit::AuditChain& audit, std::vector<store::NewRecord>& out) {
  if (rules.AlertRulesFor(record.record_type()).empty()) return;
  if (!record.amends().empty() || !record.retracts().empty()) return;
  const involvement::AlertDecision decision = involvement::DecideAlerts(
      rules, registry.History(record.subject()), record, received_at_us);
  for (const involvement::SuppressedAlert& suppressed : decision.suppressed) {
    spdlog::info("record {} from {}: no involvement alert to {} under {} ({})",
                 record.record_id(), record.source_agency(), suppressed.holder,
                 suppressed.rule_id, suppressed.kind);
  }
  for (const involvement::Alert& alert : decision.alerts) {
    AppendEntry(involvement::AlertRecord(alert, record), alert, alert.holder.id, rules,
                received_at_us, audit, out);
    AppendEntry(involvement::NoticeRecord(alert, record), alert, alert.sender.id, rules,
                received_at_us, audit, out);
    spdlog::info("record {} from {}: involvement alert {} to {}, notice to {}",
                 record.record_id(), record.source_agency(), alert.rule->id, alert.holder.id,
                 alert.sender.id);
  }
}

}  // namespace gallery::server
