#include "hub/involvement/involvement_audit.h"

#include "gallery/v1/wire.pb.h"
#include "hub/common/wire_codes.h"

namespace gallery::involvement {

audit_log::v1::Entry InvolvementAuditEntry(std::string_view asker, std::string subject_pseudonym,
                                           std::string_view purpose, std::string_view channel,
                                           std::string_view rule_set_hash, const Answer& answer) {
  audit_log::v1::Entry entry;
  auto* body = entry.mutable_involvement();
  body->set_asker(std::string(asker));
  body->set_subject(std::move(subject_pseudonym));
  body->set_purpose(std::string(purpose));
  body->set_channel(std::string(channel));
  body->set_rule_set_hash(std::string(rule_set_hash));
  body->set_asker_related(answer.asker_related);
  for (const std::string& id : answer.rule_ids) body->add_rule_ids(id);
  for (const Disclosed& disclosed : answer.disclosed) {
    auto* out = body->add_disclosed();
    out->set_agency(disclosed.agency.id);
    for (const std::string& id : disclosed.rule_ids) out->add_rule_ids(id);
  }
  for (const Withheld& withheld : answer.withheld) {
    auto* out = body->add_withheld();
    out->set_agency(withheld.agency);
    out->set_kind(withheld.kind);
    out->set_reason(withheld.reason);
  }
  if (answer.refused()) {
    body->set_refusal_code(v1::Code_Name(ToWireCode(answer.status().code())));
    body->set_refusal_reason(answer.reason);
  }
  return entry;
}

}  // namespace gallery::involvement
