// RuleSet::Plan and Route: the per-record decision. The rules that apply are found through
// the RuleIndex; each is asked about the subject's consent once, and its field permissions
// are computed once and shared by every recipient it reaches. Only agencies the record
// touches are visited; recipients allowed the same items under the same headings share one
// view, and a redacted copy is built (Route) or serialized (the hub) once per view.
#include <algorithm>
#include <chrono>

#include "hub/router/rule_set.h"
#include "hub/router/withholding_reason.h"

namespace gallery::router {
namespace {

// The first record-level label `rule` does not list, or empty when it lists them all.
std::string_view FirstMissingLabel(const v1::Record& record, const Rule& rule) {
  for (const std::string& label : record.sensitivity_labels()) {
    if (!std::binary_search(rule.labels.begin(), rule.labels.end(), label)) return label;
  }
  return {};
}

// ASCII case mapping into a reused buffer.
void MapCaseInto(std::string_view text, bool upper, std::string& out) {
  out.assign(text);
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

// Microseconds since the epoch: when the hub received the record, else now.
int64_t DecisionTime(const v1::Record& record) {
  if (record.has_received_at()) {
    return record.received_at().seconds() * 1'000'000 + record.received_at().nanos() / 1'000;
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AddOnce(std::vector<uint32_t>& list, uint32_t a) {
  if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
}

bool Contains(const std::vector<uint32_t>& list, uint32_t a) {
  return std::find(list.begin(), list.end(), a) != list.end();
}

}  // namespace

Decision RuleSet::Route(const v1::Record& record, const SubjectState& state,
                        PlanScope scope) const {
  RoutePlan plan;
  Plan(record, state, plan, scope);
  Decision decision;
  decision.withholdings = std::move(plan.withholdings);
  std::vector<std::string> unused;
  for (Grant& grant : plan.grants) {
    const View& view = plan.views[grant.view];
    Disclosure disclosure;
    disclosure.recipient = std::move(grant.recipient);
    disclosure.rule_ids = std::move(grant.rule_ids);
    disclosure.purposes = std::move(grant.purposes);
    disclosure.overrides = std::move(grant.overrides);
    disclosure.redacted = Redact(record, plan.items, view.allowed, view.headings, unused);
    disclosure.withheld = view.withheld;
    unused.clear();
    decision.disclosures.push_back(std::move(disclosure));
  }
  return decision;
}

Decision RuleSet::Route(const v1::Record& record) const {
  return Route(record, NoSubjectState());
}

RoutePlan RuleSet::Plan(const v1::Record& record) const {
  RoutePlan plan;
  Plan(record, plan);
  return plan;
}

void RuleSet::Plan(const v1::Record& record, RoutePlan& plan) const {
  Plan(record, NoSubjectState(), plan);
}

std::optional<uint32_t> RuleSet::FindAgency(std::string_view id) const {
  const auto it = agency_index_.find(id);
  if (it == agency_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> RuleSet::NamedPractice(const v1::Record& record,
                                               PlanScratch& scratch) const {
  if (record.subject().registered_gp_ods().empty()) return std::nullopt;
  // ODS codes are configured in upper case; sources do not always send them so.
  MapCaseInto(record.subject().registered_gp_ods(), /*upper=*/true, scratch.ods);
  const auto it = gp_by_ods_.find(scratch.ods);
  if (it == gp_by_ods_.end()) return std::nullopt;
  return it->second;
}

void RuleSet::ResolveRelationships(const v1::Record& record, const SubjectState& state,
                                   PlanScratch& scratch) const {
  scratch.registered_gp.clear();
  scratch.allocated.clear();
  scratch.related.clear();
  // Two pointers: small enough for std::function to hold without allocating.
  state.ForEachRelationship(
      record.subject(), [this, &scratch](std::string_view agency, std::string_view relationship) {
        const std::optional<uint32_t> a = FindAgency(agency);
        if (!a) return;  // not configured in this hub
        AddOnce(scratch.related, *a);
        if (relationship == kRegisteredGp) AddOnce(scratch.registered_gp, *a);
        if (relationship == kAllocatedWorker) AddOnce(scratch.allocated, *a);
      });
  // Without a registration on record, the record's own registered_gp_ods says (v1).
  if (scratch.registered_gp.empty()) {
    if (auto practice = NamedPractice(record, scratch)) scratch.registered_gp.push_back(*practice);
  }
}

uint32_t RuleSet::Apply(uint32_t r, const v1::Record& record, const SubjectState& state,
                        int64_t now_us, PlanScratch& scratch) const {
  if (scratch.applied_count == scratch.applied.size()) scratch.applied.emplace_back();
  AppliedRule& applied = scratch.applied[scratch.applied_count];
  applied.rule = r;
  applied.stopped_by = {};
  applied.label = {};
  applied.consent = {};
  applied.allows_known = false;
  const Rule& rule = rules_[r];
  if (now_us >= protocols_[rule.protocol_index].expires_at_us) {
    applied.stopped_by = kProtocolExpired;
  } else if (std::string_view label = FirstMissingLabel(record, rule); !label.empty()) {
    applied.stopped_by = kLabel;
    applied.label = label;
  } else {
    applied.consent = state.Consent(record.subject(), rule.protocol, rule.purpose);
    const ConsentStatus status = applied.consent.status;
    const bool objected = status == ConsentStatus::kObjected || status == ConsentStatus::kWithdrawn;
    switch (rule.consent) {
      case ConsentMode::kRequired:
        if (status != ConsentStatus::kGiven) {
          applied.stopped_by = objected ? kObjection : kConsentMissing;
        }
        break;
      case ConsentMode::kObjectionRespected:
        if (objected) applied.stopped_by = kObjection;
        break;
      case ConsentMode::kOverride:
        break;
    }
  }
  return static_cast<uint32_t>(scratch.applied_count++);
}

const std::vector<bool>& RuleSet::Allows(AppliedRule& applied,
                                         const std::vector<RecordItem>& items) const {
  if (!applied.allows_known) {
    applied.allows.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      applied.allows[i] = RulePermits(rules_[applied.rule], items[i]);
    }
    applied.allows_known = true;
  }
  return applied.allows;
}

void RuleSet::Plan(const v1::Record& record, const SubjectState& state, RoutePlan& plan,
                   PlanScope scope) const {
  PlanScratch& s = plan.scratch;
  ++s.epoch;
  if (s.verdicts.size() < agencies_.size()) s.verdicts.resize(agencies_.size());
  s.touched.clear();
  s.applied_count = 0;
  s.first_gp_rule = -1;
  auto touch = [&](uint32_t a) -> Verdict& {
    Verdict& v = s.verdicts[a];
    if (v.epoch != s.epoch) {
      v.epoch = s.epoch;
      v.permitting.clear();
      v.stopped = -1;
      s.touched.push_back(a);
    }
    return v;
  };

  const std::optional<uint32_t> source = FindAgency(record.source_agency());
  ResolveRelationships(record, state, s);
  // Agencies with a relationship are listed even when no rule reaches them.
  for (uint32_t a : s.related) {
    if (a != source) touch(a);
  }
  // The practice the record names, when the subject's registration says otherwise.
  if (auto named = NamedPractice(record, s); named && named != source &&
                                             !Contains(s.registered_gp, *named)) {
    touch(*named);
  }

  bool anyone_permitted = false;
  // An unknown source matches no rule: `from` names configured agencies only.
  if (source) {
    MapCaseInto(record.record_type(), /*upper=*/false, s.type);
    index_->Find(*source, s.type, s.candidates);
    const int64_t now_us = s.candidates.empty() ? 0 : DecisionTime(record);
    for (uint32_t r : s.candidates) {
      const uint32_t at = Apply(r, record, state, now_us, s);
      const bool permits = s.applied[at].stopped_by.empty();
      auto reach = [&](uint32_t a) {
        if (a == *source) return;  // never send an agency its own record
        Verdict& v = touch(a);
        if (permits) {
          // An agency named twice by one rule (id and relationship) is permitted once.
          if (v.permitting.empty() || v.permitting.back() != at) v.permitting.push_back(at);
          anyone_permitted = true;
        } else if (v.stopped < 0) {
          v.stopped = static_cast<int32_t>(at);
        }
      };
      const Resolved& resolved = resolved_[r];
      for (uint32_t a : resolved.to) reach(a);
      if (resolved.to_registered_gp) {
        for (uint32_t a : s.registered_gp) reach(a);
        if (s.first_gp_rule < 0) s.first_gp_rule = static_cast<int32_t>(at);
      }
      if (resolved.to_allocated_worker) {
        for (uint32_t a : s.allocated) reach(a);
      }
      if (resolved.to_any_relationship) {
        for (uint32_t a : s.related) reach(a);
      }
    }
  }

  if (anyone_permitted) {
    ListItems(record, plan.items, s.items);
  } else {
    s.items.Trim(plan.items, 0);
  }
  size_t grants = 0;
  size_t views = 0;
  size_t withholdings = 0;
  auto decide = [&](uint32_t a) {
    if (a == source) return;
    const Verdict* v = s.verdicts[a].epoch == s.epoch ? &s.verdicts[a] : nullptr;
    if (v != nullptr && !v->permitting.empty()) {
      GrantTo(record, a, source, *v, plan, grants, views);
    } else {
      Withhold(record, a, v, plan, withholdings);
    }
  };
  if (scope == PlanScope::kEveryAgency) {
    for (uint32_t a : by_id_) decide(a);
  } else {
    std::sort(s.touched.begin(), s.touched.end(),
              [&](uint32_t x, uint32_t y) { return id_rank_[x] < id_rank_[y]; });
    for (uint32_t a : s.touched) decide(a);
  }
  s.views.Trim(plan.views, views);
  s.grants.Trim(plan.grants, grants);
  s.withholdings.Trim(plan.withholdings, withholdings);
}

void RuleSet::Withhold(const v1::Record& record, uint32_t a, const Verdict* verdict,
                       RoutePlan& plan, size_t& count) const {
  PlanScratch& s = plan.scratch;
  Withholding& w = s.withholdings.Next(plan.withholdings, count);
  w.agency.assign(agencies_[a].id);
  const bool practice = agencies_[a].kind == "gp-practice" && !agencies_[a].ods_code.empty();
  if (verdict != nullptr && verdict->stopped >= 0) {
    const AppliedRule& applied = s.applied[verdict->stopped];
    const Rule& rule = rules_[applied.rule];
    DescribeStop(applied, rule, protocols_[rule.protocol_index], w);
  } else if (s.first_gp_rule >= 0 && practice && !Contains(s.registered_gp, a)) {
    DescribeNotRegisteredGp(rules_[s.applied[s.first_gp_rule].rule], w);
  } else {
    DescribeNoRule(record.record_type(), record.source_agency(), w);
  }
}

void RuleSet::GrantTo(const v1::Record& record, uint32_t a, std::optional<uint32_t> source,
                      const Verdict& verdict, RoutePlan& plan, size_t& grants,
                      size_t& views) const {
  PlanScratch& s = plan.scratch;
  // A path travels when some permitting rule allows it: the union over those rules.
  std::vector<bool>& allowed = s.allowed;
  allowed = Allows(s.applied[verdict.permitting[0]], plan.items);
  for (size_t k = 1; k < verdict.permitting.size(); ++k) {
    const std::vector<bool>& mask = Allows(s.applied[verdict.permitting[k]], plan.items);
    for (size_t i = 0; i < plan.items.size(); ++i) allowed[i] = allowed[i] || mask[i];
  }

  Grant& grant = s.grants.Next(plan.grants, grants);
  grant.recipient.assign(agencies_[a].id);
  grant.basis = {};
  size_t rule_ids = 0;
  size_t purposes = 0;
  size_t overrides = 0;
  for (uint32_t at : verdict.permitting) {
    const AppliedRule& applied = s.applied[at];
    const Rule& rule = rules_[applied.rule];
    s.strings.Next(grant.rule_ids, rule_ids).assign(rule.id);
    s.strings.Next(grant.purposes, purposes).assign(rule.purpose);
    if (rule.consent != ConsentMode::kOverride) continue;
    OverrideUse& use = s.overrides.Next(grant.overrides, overrides);
    use.rule_id.assign(rule.id);
    use.consent = applied.consent.status;
    use.consent_record_id.assign(applied.consent.record_id);
  }
  s.strings.Trim(grant.rule_ids, rule_ids);
  s.overrides.Trim(grant.overrides, overrides);
  std::sort(grant.rule_ids.begin(), grant.rule_ids.end());
  std::sort(grant.purposes.begin(), grant.purposes.end());
  s.strings.Trim(grant.purposes, static_cast<size_t>(
                                     std::unique(grant.purposes.begin(), grant.purposes.end()) -
                                     grant.purposes.begin()));
  std::sort(grant.overrides.begin(), grant.overrides.end(),
            [](const OverrideUse& x, const OverrideUse& y) { return x.rule_id < y.rule_id; });

  translator_->Translate(record, a, source, s.headings);
  grant.view = ViewFor(record, plan, views);
}

size_t RuleSet::ViewFor(const v1::Record& record, RoutePlan& plan, size_t& views) const {
  PlanScratch& s = plan.scratch;
  // Agencies reached by the same rules usually see the same items: one view for them all.
  size_t at = 0;
  while (at < views &&
         (plan.views[at].allowed != s.allowed || plan.views[at].headings != s.headings)) {
    ++at;
  }
  if (at == views) {
    View& view = s.views.Next(plan.views, views);
    view.allowed = s.allowed;
    view.headings = s.headings;
    size_t withheld = 0;
    ForEachWithheld(record, plan.items, s.allowed,
                    [&](std::string_view head, std::string_view tail) {
                      s.strings.Next(view.withheld, withheld).assign(head).append(tail);
                    });
    s.strings.Trim(view.withheld, withheld);
  }
  return at;
}

}  // namespace gallery::router
