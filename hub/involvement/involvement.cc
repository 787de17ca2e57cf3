#include "hub/involvement/involvement.h"

#include <algorithm>
#include <map>

#include "hub/common/nhs_number.h"
#include "hub/involvement/agency_match.h"
#include "hub/router/decision.h"
#include "hub/router/rule_vocabulary.h"

namespace gallery::involvement {
namespace {

// Why `rule` may not reveal anything given the person's consent state; empty when it may.
// Sets `kind` to the withholding kind.
std::string ConsentBlocks(const router::InvolvementRule& rule,
                          const registry::SubjectFacts* facts, std::string_view purpose,
                          std::string_view& kind) {
  if (rule.consent == router::ConsentMode::kOverride) return {};
  const registry::ConsentEntry* entry =
      facts == nullptr ? nullptr : facts->Consent(rule.protocol, purpose);
  const router::ConsentStatus status =
      entry == nullptr ? router::ConsentStatus::kNone : entry->status;
  const std::string set_by = entry == nullptr ? "" : " (record " + entry->record_id + ")";
  if (status == router::ConsentStatus::kObjected || status == router::ConsentStatus::kWithdrawn) {
    kind = router::kObjection;
    return "the person's consent is " + std::string(router::ConsentStatusName(status)) + set_by +
           " and involvement rule " + rule.id + " respects objections";
  }
  if (rule.consent == router::ConsentMode::kRequired && status != router::ConsentStatus::kGiven) {
    kind = router::kConsentMissing;
    return "involvement rule " + rule.id + " requires consent and none is given";
  }
  return {};
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAnswered: return "answered";
    case Outcome::kInvalid: return "invalid";
    case Outcome::kPurposeNotAllowed: return "purpose_not_allowed";
    case Outcome::kNoRelationship: return "no_relationship";
  }
  return "answered";
}

Status Answer::status() const {
  switch (outcome) {
    case Outcome::kAnswered: return OkStatus();
    case Outcome::kInvalid: return InvalidArgument(reason);
    case Outcome::kPurposeNotAllowed:
    case Outcome::kNoRelationship: return PermissionDenied(reason);
  }
  return PermissionDenied(reason);
}

Result<std::string> QuerySubjectKey(std::string_view asker, const v1::InvolvementQuery& query) {
  switch (query.subject_case()) {
    case v1::InvolvementQuery::kNhsNumber: {
      std::string nhs_number = NormaliseNhsNumber(query.nhs_number());
      if (Status valid = ValidateNhsNumber(nhs_number); !valid.ok()) {
        return InvalidArgument("subject.nhs_number: " + valid.message());
      }
      return nhs_number;
    }
    case v1::InvolvementQuery::kLocalId:
      if (query.local_id().empty()) return InvalidArgument("subject.local_id is empty");
      return "local:" + std::string(asker) + ":" + query.local_id();
    case v1::InvolvementQuery::SUBJECT_NOT_SET:
      break;
  }
  return InvalidArgument("the query names no subject: give nhs_number or local_id");
}

Answer Decide(const router::RuleSet& rules, const registry::SubjectFacts* facts,
              std::string_view asker, std::string_view purpose, int64_t now_us) {
  Answer answer;
  const Agency* asking = FindAgency(rules.agencies(), asker);
  if (asking == nullptr) {
    answer.outcome = Outcome::kInvalid;
    answer.reason = "unknown agency '" + std::string(asker) + "'";
    return answer;
  }
  if (!router::IsPurpose(purpose)) {
    answer.outcome = Outcome::kInvalid;
    answer.reason = "unknown purpose '" + std::string(purpose) +
                    "' (expected one of: " + router::PurposeList() + ")";
    return answer;
  }
  std::vector<const router::InvolvementRule*> applicable;
  for (const router::InvolvementRule& rule : rules.involvement_rules()) {
    if (rule.purpose == purpose && Names(rule.askers, *asking) &&
        now_us < rules.protocols()[rule.protocol_index].expires_at_us) {
      applicable.push_back(&rule);
    }
  }
  if (applicable.empty()) {
    answer.outcome = Outcome::kPurposeNotAllowed;
    answer.reason = "no involvement rule in force lets " + asking->id + " ask for purpose " +
                    std::string(purpose);
    return answer;
  }
  if (facts != nullptr) {
    answer.asker_related = std::any_of(
        facts->relationships.begin(), facts->relationships.end(),
        [&](const registry::RelationshipEntry& r) { return r.active() && r.agency == asking->id; });
  }
  if (!answer.asker_related) {
    std::erase_if(applicable, [](const router::InvolvementRule* rule) {
      return rule->asker_needs_relationship;
    });
    if (applicable.empty()) {
      answer.outcome = Outcome::kNoRelationship;
      answer.reason = asking->id + " has no relationship with this person, and no involvement "
                      "rule lets it ask without one for purpose " + std::string(purpose);
      return answer;
    }
  }
  for (const router::InvolvementRule* rule : applicable) answer.rule_ids.push_back(rule->id);
  if (facts == nullptr) return answer;

  // Each involved agency once, from its earliest active relationship.
  std::map<std::string, int64_t, std::less<>> involved;
  for (const registry::RelationshipEntry& r : facts->relationships) {
    if (!r.active() || r.agency == asking->id) continue;
    auto [it, inserted] = involved.emplace(r.agency, r.start_us);
    if (!inserted) it->second = std::min(it->second, r.start_us);
  }
  for (const auto& [agency_id, since_us] : involved) {
    const Agency* agency = FindAgency(rules.agencies(), agency_id);
    if (agency == nullptr) continue;  // no longer in the config: nobody to contact
    Disclosed disclosed{*agency, since_us, {}};
    Withheld withheld{agency_id, std::string(router::kNoRule),
                      "no involvement rule lets " + asking->id + " learn of " + agency_id +
                          " for purpose " + std::string(purpose)};
    for (const router::InvolvementRule* rule : applicable) {
      if (!Names(rule->reveals, *agency)) continue;
      std::string_view kind;
      if (std::string blocked = ConsentBlocks(*rule, facts, purpose, kind); !blocked.empty()) {
        withheld = {agency_id, std::string(kind), std::move(blocked)};
        continue;
      }
      disclosed.rule_ids.push_back(rule->id);
    }
    if (disclosed.rule_ids.empty()) {
      answer.withheld.push_back(std::move(withheld));
    } else {
      answer.disclosed.push_back(std::move(disclosed));
    }
  }
  return answer;
}

}  // namespace gallery::involvement
