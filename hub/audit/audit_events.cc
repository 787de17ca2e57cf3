#include "hub/audit/audit_events.h"

namespace gallery::audit {

using audit_log::v1::Entry;

Entry RuleSetLoaded(const router::RuleSet& rules, std::string_view trigger) {
  Entry entry;
  auto& loaded = *entry.mutable_rule_set_loaded();
  loaded.set_hash(rules.content_hash());
  loaded.set_trigger(std::string(trigger));
  for (const router::Protocol& protocol : rules.protocols()) {
    auto& out = *loaded.add_protocols();
    out.set_name(protocol.name);
    out.set_version(protocol.version);
    out.set_review_by(protocol.review_by);
    out.set_legal_basis(protocol.legal_basis);
  }
  for (const router::Rule& rule : rules.rules()) {
    auto& out = *loaded.add_rules();
    out.set_id(rule.id);
    out.set_protocol(rule.protocol);
    out.set_purpose(rule.purpose);
    out.set_legal_basis(rule.legal_basis);
  }
  // Involvement and alert rules share the id space; their legal basis is their protocol's.
  for (const router::InvolvementRule& rule : rules.involvement_rules()) {
    auto& out = *loaded.add_rules();
    out.set_id(rule.id);
    out.set_protocol(rule.protocol);
    out.set_purpose(rule.purpose);
    out.set_legal_basis(rules.protocols()[rule.protocol_index].legal_basis);
  }
  for (const router::InvolvementAlertRule& rule : rules.alert_rules()) {
    auto& out = *loaded.add_rules();
    out.set_id(rule.id);
    out.set_protocol(rule.protocol);
    out.set_purpose(rule.purpose);
    out.set_legal_basis(rules.protocols()[rule.protocol_index].legal_basis);
  }
  return entry;
}

Entry RuleSetRefused(std::string_view trigger, std::string_view running_hash,
                     std::string_view error) {
  Entry entry;
  auto& refused = *entry.mutable_rule_set_refused();
  refused.set_trigger(std::string(trigger));
  refused.set_running_hash(std::string(running_hash));
  refused.set_error(std::string(error));
  return entry;
}

Entry RecordRejected(std::string_view agency, std::string_view claimed_source,
                     std::string_view record_id, std::string_view code, std::string_view reason) {
  Entry entry;
  auto& rejected = *entry.mutable_rejected();
  rejected.set_agency(std::string(agency));
  rejected.set_claimed_source(std::string(claimed_source));
  rejected.set_record_id(std::string(record_id));
  rejected.set_code(std::string(code));
  rejected.set_reason(std::string(reason));
  return entry;
}

Entry AdminAction(std::string_view method, std::string_view path, int status,
                  std::string_view peer) {
  Entry entry;
  auto& action = *entry.mutable_admin_action();
  action.set_method(std::string(method));
  action.set_path(std::string(path));
  action.set_status(status);
  action.set_peer(std::string(peer));
  return entry;
}

Entry Purge(const std::vector<std::string>& record_ids) {
  Entry entry;
  entry.mutable_purge()->mutable_record_ids()->Add(record_ids.begin(), record_ids.end());
  return entry;
}

Entry DeadLettered(std::string_view record_id, std::string_view recipient,
                   std::string_view reason) {
  Entry entry;
  auto& letter = *entry.mutable_dead_letter();
  letter.set_record_id(std::string(record_id));
  letter.set_recipient(std::string(recipient));
  letter.set_reason(std::string(reason));
  return entry;
}

}  // namespace gallery::audit
