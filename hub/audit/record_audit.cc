#include "hub/audit/record_audit.h"

#include "hub/audit/audit_hash.h"
#include "hub/registry/subject_key.h"

namespace gallery::audit {

void DescribeRecord(const v1::Record& record, const store::NewRecord& journaled,
                    const router::RoutePlan& plan, const SubjectPseudonym& pseudonym,
                    const std::string& rule_set_hash, audit_log::v1::Entry& entry) {
  entry.Clear();
  audit_log::v1::RecordJournaled& out = *entry.mutable_record();
  out.set_record_id(journaled.record_id);
  out.set_source_agency(journaled.source_agency);
  out.set_record_type(journaled.record_type);
  out.set_subject(pseudonym.Of(registry::SubjectKey(record.subject())));
  out.set_payload_sha256(Sha256(journaled.payload));
  out.set_rule_set_hash(rule_set_hash);
  out.set_corrects(record.amends().empty() ? record.retracts() : record.amends());
  if (!plan.grants.empty()) {
    for (const router::RecordItem& item : plan.items) out.add_items(item.path);
    for (const router::View& view : plan.views) {
      audit_log::v1::View& described = *out.add_views();
      std::string& bits = *described.mutable_disclosed();
      bits.assign((plan.items.size() + 7) / 8, '\0');
      for (size_t i = 0; i < plan.items.size(); ++i) {
        if (view.allowed[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
      }
      described.mutable_withheld()->Add(view.withheld.begin(), view.withheld.end());
    }
  }
  for (const router::Grant& grant : plan.grants) {
    audit_log::v1::Disclosure& disclosure = *out.add_disclosures();
    disclosure.set_recipient(grant.recipient);
    disclosure.mutable_rule_ids()->Add(grant.rule_ids.begin(), grant.rule_ids.end());
    disclosure.mutable_purposes()->Add(grant.purposes.begin(), grant.purposes.end());
    disclosure.set_view(static_cast<uint32_t>(grant.view));
    disclosure.set_basis(std::string(grant.basis));
    for (const router::OverrideUse& use : grant.overrides) {
      audit_log::v1::ConsentOverride& override_use = *disclosure.add_overrides();
      override_use.set_rule_id(use.rule_id);
      override_use.set_consent(std::string(router::ConsentStatusName(use.consent)));
      override_use.set_consent_record_id(use.consent_record_id);
    }
  }
  for (const store::NewWithholding& withholding : journaled.withholdings) {
    audit_log::v1::Withholding& withheld = *out.add_withholdings();
    withheld.set_agency(withholding.agency);
    withheld.set_kind(std::string(withholding.kind));
    withheld.set_reason(withholding.reason);
  }
}

}  // namespace gallery::audit
