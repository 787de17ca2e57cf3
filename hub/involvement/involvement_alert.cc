#include "hub/involvement/involvement_alert.h"

#include <algorithm>

#include <google/protobuf/util/time_util.h>

#include "hub/involvement/agency_match.h"
#include "hub/router/decision.h"

namespace gallery::involvement {
namespace {

// Why the person's consent state stops `rule` alerting; empty when it does not. Sets
// `kind`, and the overridden status and its record when the rule overrides an objection.
std::string ConsentBlocks(const router::InvolvementAlertRule& rule,
                          const registry::SubjectFacts* facts, std::string& kind, Alert& alert) {
  const registry::ConsentEntry* entry =
      facts == nullptr ? nullptr : facts->Consent(rule.protocol, rule.purpose);
  const router::ConsentStatus status =
      entry == nullptr ? router::ConsentStatus::kNone : entry->status;
  const bool objected =
      status == router::ConsentStatus::kObjected || status == router::ConsentStatus::kWithdrawn;
  if (rule.consent == router::ConsentMode::kOverride) {
    if (objected) {
      alert.overridden = status;
      alert.consent_record_id = entry->record_id;
    }
    return {};
  }
  if (objected) {
    kind = router::kObjection;
    return "the person's consent is " + std::string(router::ConsentStatusName(status)) +
           " (record " + entry->record_id + ") and involvement alert rule " + rule.id +
           " respects objections";
  }
  if (rule.consent == router::ConsentMode::kRequired && status != router::ConsentStatus::kGiven) {
    kind = router::kConsentMissing;
    return "involvement alert rule " + rule.id + " requires consent and none is given";
  }
  return {};
}

v1::Section& Section(v1::Record& record, std::string_view heading) {
  v1::Section& section = *record.add_sections();
  section.set_heading(std::string(heading));
  return section;
}

void AddText(v1::Section& section, std::string_view name, std::string_view text) {
  if (text.empty()) return;
  v1::Field& field = *section.add_fields();
  field.set_name(std::string(name));
  field.set_text(std::string(text));
}

void AddTime(v1::Section& section, std::string_view name,
             const google::protobuf::Timestamp& time) {
  v1::Field& field = *section.add_fields();
  field.set_name(std::string(name));
  *field.mutable_date_time() = time;
}

// The parts both generated records share: id, source, one identifier, times.
v1::Record Generated(const Alert& alert, const v1::Record& trigger, std::string_view type,
                     std::string_view id_kind) {
  v1::Record record;
  record.set_record_id(trigger.record_id() + "/" + std::string(id_kind) + "/" + alert.rule->id +
                       "/" + alert.holder.id);
  record.set_source_agency(trigger.source_agency());
  record.set_record_type(std::string(type));
  // The NHS number is what both sides match on; the sender's local ids only stand in for it
  // (and key the person in the audit log) when there is none.
  if (!trigger.subject().nhs_number().empty()) {
    record.mutable_subject()->set_nhs_number(trigger.subject().nhs_number());
  } else {
    *record.mutable_subject()->mutable_local_ids() = trigger.subject().local_ids();
  }
  if (trigger.has_received_at()) {
    *record.mutable_occurred_at() = trigger.received_at();
    *record.mutable_recorded_at() = trigger.received_at();
  }
  return record;
}

}  // namespace

AlertDecision DecideAlerts(const router::RuleSet& rules, const registry::SubjectFacts* facts,
                           const v1::Record& record, int64_t now_us) {
  AlertDecision decision;
  const std::span<const uint32_t> candidates = rules.AlertRulesFor(record.record_type());
  if (candidates.empty() || facts == nullptr) return decision;
  const Agency* sender = FindAgency(rules.agencies(), record.source_agency());
  if (sender == nullptr) return decision;
  for (const uint32_t index : candidates) {
    const router::InvolvementAlertRule& rule = rules.alert_rules()[index];
    if (!Names(rule.senders, *sender) ||
        now_us >= rules.protocols()[rule.protocol_index].expires_at_us) {
      continue;
    }
    // Each holder once, from its earliest active relationship of the rule's kind.
    std::vector<Alert> found;
    for (const registry::RelationshipEntry& r : facts->relationships) {
      if (!r.active() || r.relationship != rule.relationship || r.agency == sender->id) continue;
      const Agency* holder = FindAgency(rules.agencies(), r.agency);
      if (holder == nullptr || !Names(rule.holders, *holder)) continue;
      auto same = std::find_if(found.begin(), found.end(),
                               [&](const Alert& a) { return a.holder.id == holder->id; });
      if (same != found.end()) {
        same->since_us = std::min(same->since_us, r.start_us);
      } else {
        found.push_back(
            Alert{&rule, *holder, *sender, r.start_us, router::ConsentStatus::kNone, {}});
      }
    }
    for (Alert& alert : found) {
      std::string kind;
      if (std::string blocked = ConsentBlocks(rule, facts, kind, alert); !blocked.empty()) {
        decision.suppressed.push_back({rule.id, alert.holder.id, kind, std::move(blocked)});
      } else {
        decision.alerts.push_back(std::move(alert));
      }
    }
  }
  return decision;
}

v1::Record AlertRecord(const Alert& alert, const v1::Record& trigger) {
  v1::Record record = Generated(alert, trigger, kAlertRecordType, "involvement-alert");
  v1::Section& section = Section(record, "Involvement alert");
  AddText(section, "Rule", alert.rule->id);
  AddText(section, "Relationship", alert.rule->relationship);
  AddText(section, "Sender", alert.sender.id);
  AddText(section, "Sender name", alert.sender.name);
  AddText(section, "Sender kind", alert.sender.kind);
  AddText(section, "Sender contact", alert.sender.contact);
  AddText(section, "Record type", trigger.record_type());
  AddText(section, "Record", trigger.record_id());
  if (trigger.has_received_at()) AddTime(section, "Received at", trigger.received_at());
  return record;
}

v1::Record NoticeRecord(const Alert& alert, const v1::Record& trigger) {
  v1::Record record = Generated(alert, trigger, kNoticeRecordType, "involvement-notice");
  v1::Section& section = Section(record, "Involvement notice");
  AddText(section, "Rule", alert.rule->id);
  AddText(section, "Relationship", alert.rule->relationship);
  AddText(section, "Agency", alert.holder.id);
  AddText(section, "Agency name", alert.holder.name);
  AddText(section, "Agency kind", alert.holder.kind);
  AddText(section, "Contact", alert.holder.contact);
  AddTime(section, "Since",
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(alert.since_us));
  AddText(section, "Record", trigger.record_id());
  AddText(section, "Record type", trigger.record_type());
  return record;
}

}  // namespace gallery::involvement
