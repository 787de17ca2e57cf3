// RuleSet::Plan and Route: the per-record decision. Rules are matched against the record
// once; each rule's field permissions are computed once and shared by every recipient it
// reaches; recipients allowed the same items share one view, and a redacted copy is built
// (Route) or serialized (the hub, from the plan) once per view.
#include <algorithm>
#include <optional>

#include "hub/router/redaction.h"
#include "hub/router/rule_set.h"

namespace gallery::router {
namespace {

// The first record-level label `rule` does not list, or empty when it lists them all.
std::string_view FirstMissingLabel(const v1::Record& record, const Rule& rule) {
  for (const std::string& label : record.sensitivity_labels()) {
    if (!std::binary_search(rule.labels.begin(), rule.labels.end(), label)) return label;
  }
  return {};
}

bool TypeMatches(const Rule& rule, std::string_view type) {
  return std::any_of(rule.types.begin(), rule.types.end(),
                     [&](const Glob& g) { return g.Matches(type); });
}

// ODS codes are configured in upper case; sources do not always send them so.
std::string UpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

Decision RuleSet::Route(const v1::Record& record) const {
  RoutePlan plan = Plan(record);
  Decision decision;
  decision.withholdings = std::move(plan.withholdings);
  std::vector<std::string> unused;
  for (Grant& grant : plan.grants) {
    View& view = plan.views[grant.view];
    Disclosure disclosure;
    disclosure.recipient = std::move(grant.recipient);
    disclosure.rule_ids = std::move(grant.rule_ids);
    disclosure.redacted = Redact(record, plan.items, view.allowed, unused);
    disclosure.withheld = view.withheld;
    unused.clear();
    decision.disclosures.push_back(std::move(disclosure));
  }
  return decision;
}

RoutePlan RuleSet::Plan(const v1::Record& record) const {
  RoutePlan plan;
  Plan(record, plan);
  return plan;
}

void RuleSet::Plan(const v1::Record& record, RoutePlan& plan) const {
  size_t views = 0;
  size_t grants = 0;
  plan.withholdings.clear();
  std::optional<size_t> source;
  if (auto it = agency_index_.find(record.source_agency()); it != agency_index_.end()) {
    source = it->second;
  }
  std::optional<size_t> registered_gp;
  if (!record.subject().registered_gp_ods().empty()) {
    auto it = gp_by_ods_.find(UpperAscii(record.subject().registered_gp_ods()));
    if (it != gp_by_ods_.end()) registered_gp = it->second;
  }

  std::vector<Verdict>& verdicts = plan.scratch.verdicts;
  verdicts.resize(agencies_.size());
  for (Verdict& v : verdicts) {
    v.permitting.clear();
    v.blocked_by = nullptr;
    v.blocked_label = {};
    v.not_registered_gp = nullptr;
  }
  bool anyone_permitted = false;
  // An unknown source matches no rule: `from` names configured agencies only.
  for (size_t r = 0; source && r < rules_.size(); ++r) {
    const Rule& rule = rules_[r];
    const Resolved& resolved = resolved_[r];
    if (!resolved.from[*source] || !TypeMatches(rule, record.record_type())) continue;
    const std::string_view missing = FirstMissingLabel(record, rule);
    auto reach = [&](size_t a) {
      if (a == *source) return;  // never send an agency its own record
      Verdict& v = verdicts[a];
      if (missing.empty()) {
        // An agency named twice by one rule (id and relationship) is permitted once.
        if (v.permitting.empty() || v.permitting.back() != r) v.permitting.push_back(r);
        anyone_permitted = true;
      } else if (v.blocked_by == nullptr) {
        v.blocked_by = &rule;
        v.blocked_label = missing;
      }
    };
    for (size_t a : resolved.to) reach(a);
    if (resolved.to_registered_gp) {
      if (registered_gp) reach(*registered_gp);
      for (const auto& [ods, a] : gp_by_ods_) {
        if (a != registered_gp && verdicts[a].not_registered_gp == nullptr) {
          verdicts[a].not_registered_gp = &rule;
        }
      }
    }
  }

  // Field permissions per permitting rule, computed on first use and then shared.
  std::vector<RecordItem>& items = plan.items;
  if (anyone_permitted) {
    ListItems(record, items);
  } else {
    items.clear();
  }
  plan.scratch.rule_allows.resize(rules_.size());
  plan.scratch.rule_allows_known.assign(rules_.size(), false);
  auto allows = [&](size_t r) -> const std::vector<bool>& {
    std::vector<bool>& mask = plan.scratch.rule_allows[r];
    if (!plan.scratch.rule_allows_known[r]) {
      mask.resize(items.size());
      for (size_t i = 0; i < items.size(); ++i) mask[i] = RulePermits(rules_[r], items[i]);
      plan.scratch.rule_allows_known[r] = true;
    }
    return mask;
  };

  for (size_t a : by_id_) {
    if (source && a == *source) continue;
    const Verdict& v = verdicts[a];
    const Agency& agency = agencies_[a];
    if (v.permitting.empty()) {
      std::string reason;
      std::string_view kind = kNoRule;
      if (v.blocked_by != nullptr) {
        kind = kLabel;
        reason = "label '" + std::string(v.blocked_label) + "' not permitted by rule " +
                 v.blocked_by->id;
      } else if (v.not_registered_gp != nullptr) {
        kind = kNoRelationship;
        reason = "no relationship: not the subject's registered GP practice (rule " +
                 v.not_registered_gp->id + ")";
      } else {
        reason = "no rule permits " + record.record_type() + " from " + record.source_agency();
      }
      plan.withholdings.push_back(Withholding{agency.id, std::move(reason), kind});
      continue;
    }
    // A path travels when some permitting rule allows it: the union over those rules.
    std::vector<bool>& allowed = plan.scratch.allowed;
    allowed = allows(v.permitting[0]);
    for (size_t k = 1; k < v.permitting.size(); ++k) {
      const std::vector<bool>& mask = allows(v.permitting[k]);
      for (size_t i = 0; i < items.size(); ++i) allowed[i] = allowed[i] || mask[i];
    }
    if (grants == plan.grants.size()) plan.grants.emplace_back();
    Grant& grant = plan.grants[grants++];
    grant.recipient = agency.id;
    grant.rule_ids.clear();
    for (size_t r : v.permitting) grant.rule_ids.push_back(rules_[r].id);
    std::sort(grant.rule_ids.begin(), grant.rule_ids.end());
    // Agencies reached by the same rules usually see the same items: one view for them all.
    grant.view = 0;
    while (grant.view < views && plan.views[grant.view].allowed != allowed) ++grant.view;
    if (grant.view == views) {
      if (views == plan.views.size()) plan.views.emplace_back();
      View& view = plan.views[views++];
      view.allowed = allowed;
      view.withheld.clear();
      ListWithheld(record, items, allowed, view.withheld);
    }
  }
  plan.views.resize(views);
  plan.grants.resize(grants);
}

}  // namespace gallery::router
