#include "hub/registry/subject_facts.h"

namespace gallery::registry {
namespace {

router::ConsentStatus StatusOf(registry_facts::v1::ConsentStatus status) {
  switch (status) {
  case registry_facts::v1::CONSENT_STATUS_GIVEN:
    return router::ConsentStatus::kGiven;
  case registry_facts::v1::CONSENT_STATUS_OBJECTED:
    return router::ConsentStatus::kObjected;
  case registry_facts::v1::CONSENT_STATUS_WITHDRAWN:
    return router::ConsentStatus::kWithdrawn;
  default:
    return router::ConsentStatus::kNone;
  }
}

// Whether a new `relationship` with `agency` replaces `entry`: a subject has
// one registered practice, and one of each other relationship per agency.
bool SameSlot(const RelationshipEntry &entry, std::string_view agency,
              std::string_view relationship) {
  if (entry.relationship != relationship)
    return false;
  return relationship == kRegisteredGp || entry.agency == agency;
}

} // namespace

bool SubjectFacts::Apply(const registry_facts::v1::Fact &fact) {
  switch (fact.kind_case()) {
  case registry_facts::v1::Fact::kConsent: {
    const auto &directive = fact.consent();
    consents.push_back({StatusOf(directive.status()),
                        directive.protocol(),
                        directive.purpose(),
                        directive.effective_us(),
                        fact.record_id(),
                        fact.source_agency(),
                        {}});
    return true;
  }
  case registry_facts::v1::Fact::kStart: {
    const auto &start = fact.start();
    for (auto &entry : relationships) {
      if (entry.active() &&
          SameSlot(entry, start.agency(), start.relationship())) {
        entry.end_us = start.start_us();
        entry.ended_by = fact.record_id();
      }
    }
    relationships.push_back({start.agency(),
                             start.relationship(),
                             start.detail(),
                             start.start_us(),
                             0,
                             fact.record_id(),
                             fact.source_agency(),
                             {},
                             {}});
    return true;
  }
  case registry_facts::v1::Fact::kEnd: {
    const auto &end = fact.end();
    for (auto &entry : relationships) {
      if (entry.active() && entry.agency == end.agency() &&
          entry.relationship == end.relationship()) {
        entry.end_us = end.end_us();
        entry.ended_by = fact.record_id();
      }
    }
    return true;
  }
  case registry_facts::v1::Fact::kUndo: {
    const std::string &undone = fact.undo().record_id();
    for (auto &entry : consents) {
      if (entry.record_id == undone && entry.retracted_by.empty()) {
        entry.retracted_by = fact.record_id();
      }
    }
    for (auto &entry : relationships) {
      if (entry.record_id == undone && entry.retracted_by.empty()) {
        entry.retracted_by = fact.record_id();
      }
    }
    // What the undone record ended stands again, unless something else took its
    // place.
    for (auto it = relationships.rbegin(); it != relationships.rend(); ++it) {
      if (it->ended_by != undone || !it->retracted_by.empty())
        continue;
      const bool registration = it->relationship == kRegisteredGp;
      if (Active(registration ? "" : it->agency, it->relationship) != nullptr)
        continue;
      it->ended_by.clear();
      it->end_us = 0;
    }
    return true;
  }
  case registry_facts::v1::Fact::KIND_NOT_SET:
    break;
  }
  return false;
}

const ConsentEntry *SubjectFacts::Consent(std::string_view protocol,
                                          std::string_view purpose) const {
  const ConsentEntry *latest = nullptr;
  for (const auto &entry : consents) {
    if (!entry.retracted_by.empty())
      continue;
    const bool everything = entry.protocol.empty() && entry.purpose.empty();
    const bool applies =
        everything || (!entry.protocol.empty() && entry.protocol == protocol) ||
        (!entry.purpose.empty() && entry.purpose == purpose);
    if (applies &&
        (latest == nullptr || entry.effective_us >= latest->effective_us)) {
      latest = &entry;
    }
  }
  return latest;
}

const RelationshipEntry *
SubjectFacts::Active(std::string_view agency,
                     std::string_view relationship) const {
  for (const auto &entry : relationships) {
    if (!entry.active() || entry.relationship != relationship)
      continue;
    if (entry.agency == agency ||
        (agency.empty() && relationship == kRegisteredGp))
      return &entry;
  }
  return nullptr;
}

bool SubjectFacts::KnowsRegistration() const {
  for (const auto &entry : relationships) {
    if (entry.relationship == kRegisteredGp && entry.retracted_by.empty())
      return true;
  }
  return false;
}

} // namespace gallery::registry
