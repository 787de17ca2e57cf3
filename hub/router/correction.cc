// RuleSet::AddCorrectionGrants and the paths a recipient was given: corrections reach
// every earlier recipient, never carrying more than it had.
#include "hub/router/correction.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "hub/router/redaction.h"
#include "hub/router/rule_set.h"

namespace gallery::router {

std::vector<std::string> DisclosedPaths(const v1::Record& original,
                                        const std::vector<std::string>& withheld) {
  const std::unordered_set<std::string_view> removed(withheld.begin(), withheld.end());
  std::vector<std::string> disclosed;
  std::string whole_section;
  for (RecordItem& item : ListItems(original)) {
    if (removed.contains(item.path)) continue;
    if (item.section >= 0) {
      whole_section.assign(original.sections(item.section).heading()).append("/*");
      if (removed.contains(whole_section)) continue;
    }
    disclosed.push_back(std::move(item.path));
  }
  return disclosed;
}

Status CheckCorrectionSource(const v1::Record& correction, const std::string& original_id,
                             const std::string& original_source) {
  if (correction.source_agency() == original_source) return OkStatus();
  const char* field = correction.amends().empty() ? "retracts" : "amends";
  return PermissionDenied(std::string(field) + ": record '" + correction.record_id() +
                          "' corrects record '" + original_id + "' of agency '" +
                          original_source +
                          "'; only the agency that sent a record may amend or retract it");
}

void NoteEarlierRecipient(const v1::Record* original, const std::string& agency,
                          const std::vector<std::string>& withheld,
                          std::vector<EarlierRecipient>& earlier) {
  auto same = std::find_if(earlier.begin(), earlier.end(),
                           [&](const EarlierRecipient& e) { return e.agency == agency; });
  if (same == earlier.end()) same = earlier.insert(earlier.end(), EarlierRecipient{agency, {}});
  if (original == nullptr) return;
  for (std::string& path : DisclosedPaths(*original, withheld)) {
    if (std::find(same->disclosed.begin(), same->disclosed.end(), path) == same->disclosed.end()) {
      same->disclosed.push_back(std::move(path));
    }
  }
}

void RuleSet::AddCorrectionGrants(const v1::Record& correction,
                                  std::span<const EarlierRecipient> earlier,
                                  RoutePlan& plan) const {
  PlanScratch& s = plan.scratch;
  // Plan lists the items only when the rules grant someone the record.
  if (plan.grants.empty()) ListItems(correction, plan.items, s.items);
  const bool retraction = !correction.retracts().empty();
  const std::optional<uint32_t> source = FindAgency(correction.source_agency());
  size_t grants = plan.grants.size();
  size_t views = plan.views.size();
  for (const EarlierRecipient& recipient : earlier) {
    if (recipient.agency == correction.source_agency()) continue;
    const bool granted = std::any_of(plan.grants.begin(), plan.grants.begin() + grants,
                                     [&](const Grant& g) { return g.recipient == recipient.agency; });
    if (granted) continue;

    s.allowed.assign(plan.items.size(), false);
    if (!retraction) {
      const std::unordered_set<std::string_view> given(recipient.disclosed.begin(),
                                                       recipient.disclosed.end());
      for (size_t i = 0; i < plan.items.size(); ++i) {
        s.allowed[i] = given.contains(plan.items[i].path);
      }
    }
    // An agency the configuration no longer lists reads the source's headings.
    if (const std::optional<uint32_t> agency = FindAgency(recipient.agency)) {
      translator_->Translate(correction, *agency, source, s.headings);
    } else {
      s.headings.clear();
    }

    Grant& grant = s.grants.Next(plan.grants, grants);
    grant.recipient.assign(recipient.agency);
    s.strings.Trim(grant.rule_ids, 0);
    s.strings.Trim(grant.purposes, 0);
    s.overrides.Trim(grant.overrides, 0);
    grant.basis = kCorrectionOfDisclosed;
    grant.view = ViewFor(correction, plan, views);

    std::erase_if(plan.withholdings,
                  [&](const Withholding& w) { return w.agency == recipient.agency; });
  }
  std::sort(plan.grants.begin(), plan.grants.end(),
            [](const Grant& x, const Grant& y) { return x.recipient < y.recipient; });
}

}  // namespace gallery::router
