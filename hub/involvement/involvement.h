// Involvement queries: which agencies are involved with a person, as one agency may learn it
// for one purpose under the protocols' involvement rules (routing-rules/README.md,
// "Who else is involved"). Answers from the registry's current state; reads no record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/wire.pb.h"
#include "hub/common/agency.h"
#include "hub/common/result.h"
#include "hub/registry/subject_facts.h"
#include "hub/router/rule_set.h"

namespace gallery::involvement {

enum class Outcome {
  kAnswered,
  kInvalid,           // no usable subject or purpose
  kPurposeNotAllowed, // no involvement rule in force lets the asker ask for the purpose
  kNoRelationship,    // the asker has no relationship with the person, and no rule lets it ask
};
// The metric label: "answered", "invalid", "purpose_not_allowed", "no_relationship".
std::string_view OutcomeName(Outcome outcome);

// An involved agency the asker may learn of.
struct Disclosed {
  Agency agency;
  int64_t since_us = 0;  // start of its earliest active relationship with the person
  std::vector<std::string> rule_ids;  // every rule that lets the asker learn of it
};

// An involved agency the asker may not learn of, and why (audit only: never told).
struct Withheld {
  std::string agency;
  std::string kind;    // "no-rule", "objection", "consent-missing" (router/decision.h)
  std::string reason;  // names rules and the consent record, never the person
};

// Value type.
struct Answer {
  Outcome outcome = Outcome::kAnswered;
  std::string reason;  // why refused; names the asker, purpose or rules, never the person
  bool asker_related = false;
  std::vector<std::string> rule_ids;  // the involvement rules applied (asker and purpose)
  std::vector<Disclosed> disclosed;   // by agency id
  std::vector<Withheld> withheld;     // by agency id

  bool refused() const { return outcome != Outcome::kAnswered; }
  // Ok when answered; else kInvalidArgument or kPermissionDenied with `reason`.
  Status status() const;
};

// The registry key (registry/subject_key.h) of the person `query` asks about: its NHS number
// (spaces and hyphens removed, check digit verified), else "local:<asker>:<local_id>".
// kInvalidArgument, never quoting the identifier, when neither is usable. Pure.
Result<std::string> QuerySubjectKey(std::string_view asker, const v1::InvolvementQuery& query);

// Default deny. `facts` is what the registry knows of the person (nullptr: nothing); `now_us`
// decides which protocols are past their review date. The asker must be one of `rules`'
// agencies. Pure; thread-safe while `facts` does not change.
Answer Decide(const router::RuleSet& rules, const registry::SubjectFacts* facts,
              std::string_view asker, std::string_view purpose, int64_t now_us);

}  // namespace gallery::involvement
