#include "hub/governance/explain.h"

#include <algorithm>
#include <unordered_map>

#include "hub/router/redaction.h"

namespace gallery::governance {
namespace {

std::string TravellingPath(const v1::Record& record, const router::RecordItem& item,
                           const router::SectionHeadings& headings) {
  if (item.section < 0) return item.path;
  return router::TravellingHeading(record, headings, item.section) + "/" +
         record.sections(item.section).fields(item.index).name();
}

PermittingRule Describe(const router::RuleSet& rules, const router::Rule& rule,
                        const router::Grant& grant) {
  PermittingRule out;
  out.id = rule.id;
  out.protocol = rule.protocol_index < rules.protocols().size()
                     ? rules.protocols()[rule.protocol_index].name
                     : rule.protocol;
  out.defined_at = rule.defined_at;
  out.purpose = rule.purpose;
  out.legal_basis = rule.legal_basis;
  out.consent = rule.consent;
  for (const router::OverrideUse& use : grant.overrides) {
    if (use.rule_id != rule.id) continue;
    out.override_used = true;
    if (use.consent != router::ConsentStatus::kNone) {
      out.overridden = std::string(router::ConsentStatusName(use.consent));
      out.overridden_by_record = use.consent_record_id;
    }
  }
  return out;
}

}  // namespace

Explanation ExplainRecord(const router::RuleSet& rules, const v1::Record& record,
                          const router::SubjectState& state, std::string_view only_agency,
                          std::span<const router::EarlierRecipient> earlier) {
  Explanation out;
  out.record_id = record.record_id();
  out.source_agency = record.source_agency();
  out.record_type = record.record_type();
  out.corrects = record.amends().empty() ? record.retracts() : record.amends();
  std::unordered_map<std::string_view, const router::Rule*> by_id;
  for (const router::Rule& rule : rules.rules()) by_id.emplace(rule.id, &rule);

  router::RoutePlan plan;
  rules.Plan(record, state, plan, router::PlanScope::kEveryAgency);
  if (!earlier.empty()) rules.AddCorrectionGrants(record, earlier, plan);
  auto wanted = [&](const std::string& agency) {
    return only_agency.empty() || agency == only_agency;
  };
  for (const router::Grant& grant : plan.grants) {
    if (!wanted(grant.recipient)) continue;
    const router::View& view = plan.views[grant.view];
    AgencyOutcome outcome;
    outcome.agency = grant.recipient;
    outcome.receives = true;
    for (size_t i = 0; i < plan.items.size(); ++i) {
      if (view.allowed[i])
        outcome.paths.push_back(TravellingPath(record, plan.items[i], view.headings));
    }
    for (int s = 0; s < record.sections_size(); ++s) {
      const std::string& heading = router::TravellingHeading(record, view.headings, s);
      if (heading != record.sections(s).heading()) {
        outcome.renamed.push_back(record.sections(s).heading() + " -> " + heading);
      }
    }
    outcome.withheld = view.withheld;
    outcome.basis = std::string(grant.basis);
    for (const std::string& id : grant.rule_ids) {
      if (auto it = by_id.find(id); it != by_id.end()) {
        outcome.rules.push_back(Describe(rules, *it->second, grant));
      }
    }
    out.agencies.push_back(std::move(outcome));
  }
  for (const router::Withholding& w : plan.withholdings) {
    if (!wanted(w.agency)) continue;
    AgencyOutcome outcome;
    outcome.agency = w.agency;
    outcome.reason = w.reason;
    outcome.kind = std::string(w.kind);
    out.agencies.push_back(std::move(outcome));
  }
  std::sort(out.agencies.begin(), out.agencies.end(),
            [](const AgencyOutcome& a, const AgencyOutcome& b) { return a.agency < b.agency; });
  return out;
}

}  // namespace gallery::governance
