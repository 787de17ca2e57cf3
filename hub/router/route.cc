// RuleSet::Route: the per-record decision. Rules are matched against the record once; each
// rule's field permissions are computed once and shared by every recipient it reaches; a
// redacted copy is built only for agencies that receive something.
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

// What the rules said about one agency.
struct Verdict {
  std::vector<size_t> permitting;    // rule indexes, ascending
  const Rule* blocked_by = nullptr;  // first rule that reached it but a label stopped
  std::string_view blocked_label;
  // First registered-GP rule that applied while this practice was not the subject's GP.
  const Rule* not_registered_gp = nullptr;
};

}  // namespace

Decision RuleSet::Route(const v1::Record& record) const {
  Decision decision;
  std::optional<size_t> source;
  if (auto it = agency_index_.find(record.source_agency()); it != agency_index_.end()) {
    source = it->second;
  }
  std::optional<size_t> registered_gp;
  if (!record.subject().registered_gp_ods().empty()) {
    auto it = gp_by_ods_.find(UpperAscii(record.subject().registered_gp_ods()));
    if (it != gp_by_ods_.end()) registered_gp = it->second;
  }

  std::vector<Verdict> verdicts(agencies_.size());
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
  std::vector<RecordItem> items;
  std::vector<std::optional<std::vector<bool>>> rule_allows(rules_.size());
  if (anyone_permitted) items = ListItems(record);
  auto allows = [&](size_t r) -> const std::vector<bool>& {
    if (!rule_allows[r]) {
      std::vector<bool> mask(items.size());
      for (size_t i = 0; i < items.size(); ++i) mask[i] = RulePermits(rules_[r], items[i]);
      rule_allows[r] = std::move(mask);
    }
    return *rule_allows[r];
  };

  for (size_t a : by_id_) {
    if (source && a == *source) continue;
    const Verdict& v = verdicts[a];
    const Agency& agency = agencies_[a];
    if (v.permitting.empty()) {
      std::string reason;
      if (v.blocked_by != nullptr) {
        reason = "label '" + std::string(v.blocked_label) + "' not permitted by rule " +
                 v.blocked_by->id;
      } else if (v.not_registered_gp != nullptr) {
        reason = "no relationship: not the subject's registered GP practice (rule " +
                 v.not_registered_gp->id + ")";
      } else {
        reason = "no rule permits " + record.record_type() + " from " + record.source_agency();
      }
      decision.withholdings.push_back(Withholding{agency.id, std::move(reason)});
      continue;
    }
    // A path travels when some permitting rule allows it: the union over those rules.
    std::vector<bool> allowed(items.size(), false);
    Disclosure disclosure;
    disclosure.recipient = agency.id;
    for (size_t r : v.permitting) {
      const std::vector<bool>& mask = allows(r);
      for (size_t i = 0; i < items.size(); ++i) allowed[i] = allowed[i] || mask[i];
      disclosure.rule_ids.push_back(rules_[r].id);
    }
    std::sort(disclosure.rule_ids.begin(), disclosure.rule_ids.end());
    disclosure.redacted = Redact(record, items, allowed, disclosure.withheld);
    decision.disclosures.push_back(std::move(disclosure));
  }
  return decision;
}

}  // namespace gallery::router
