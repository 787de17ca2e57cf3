// SubjectFacts: what the registry knows about one subject (consent directives
// and relationships, current and past), and how each journaled fact changes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/registry/registry_fact.pb.h"
#include "hub/router/subject_state.h"

namespace gallery::registry {

inline constexpr std::string_view kRegisteredGp = "registered-gp";
inline constexpr std::string_view kAllocatedWorker = "allocated-worker";

// One consent directive, as a record gave it.
struct ConsentEntry {
  router::ConsentStatus status = router::ConsentStatus::kNone;
  std::string protocol; // set when the directive is about one protocol
  std::string
      purpose; // set when it is about one purpose; neither: about all sharing
  int64_t effective_us = 0;
  std::string record_id;     // the record that gave it
  std::string source_agency; // that record's source
  std::string retracted_by;  // the record that retracted or amended it; empty
                             // while it stands
};

// One relationship between the subject and an agency.
struct RelationshipEntry {
  std::string agency;
  std::string relationship; // e.g. "registered-gp", "allocated-worker"
  std::string detail; // worker or team, as the source named them; history only
  int64_t start_us = 0;
  int64_t end_us = 0;        // set when ended
  std::string record_id;     // the record that began it
  std::string source_agency; // that record's source
  std::string
      ended_by; // the record that ended it (an end or a replacing start)
  std::string
      retracted_by; // the record that retracted or amended the beginning
  bool active() const { return ended_by.empty() && retracted_by.empty(); }
};

// Value type. Entries are in the order the hub learned them; nothing is ever
// removed, so that reports can show what was in force when.
struct SubjectFacts {
  std::vector<ConsentEntry> consents;
  std::vector<RelationshipEntry> relationships;

  // Applies one fact about this subject (Fact.subject is the caller's
  // business). False for a kind of fact this version does not know, which
  // changes nothing.
  bool Apply(const registry_facts::v1::Fact &fact);

  // The directive in force for `protocol` or `purpose`: among those not
  // retracted whose scope is that protocol, that purpose or all sharing, the
  // one with the latest effective date (the later learned on a tie). nullptr
  // when none.
  const ConsentEntry *Consent(std::string_view protocol,
                              std::string_view purpose) const;

  // The active relationship `relationship` with `agency`; for registered-gp
  // with any agency when `agency` is empty. nullptr when none.
  const RelationshipEntry *Active(std::string_view agency,
                                  std::string_view relationship) const;

  // Whether any registration with a practice was ever learned and not
  // retracted.
  bool KnowsRegistration() const;
};

} // namespace gallery::registry
