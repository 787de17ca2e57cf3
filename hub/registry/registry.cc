#include "hub/registry/registry.h"

#include <spdlog/spdlog.h>

#include "hub/registry/record_fields.h"
#include "hub/registry/subject_key.h"

namespace gallery::registry {
namespace {

constexpr std::string_view kRegistrationType = "relationship.registration";

registry_facts::v1::Fact FactFrom(const v1::Record &record,
                                  const std::string &subject) {
  registry_facts::v1::Fact fact;
  fact.set_subject(subject);
  fact.set_record_id(record.record_id());
  fact.set_source_agency(record.source_agency());
  return fact;
}

} // namespace

Registry::Registry(const std::vector<Agency> &agencies) : agencies_(agencies) {}

Result<std::unique_ptr<Registry>>
Registry::Load(store::Store &store, const std::vector<Agency> &agencies) {
  GALLERY_ASSIGN_OR_RETURN(std::vector<std::string> facts,
                           store.RegistryFacts());
  auto registry = std::make_unique<Registry>(agencies);
  uint64_t unknown = 0;
  for (size_t i = 0; i < facts.size(); ++i) {
    registry_facts::v1::Fact fact;
    if (!fact.ParseFromString(facts[i])) {
      return DataLoss("registry fact " + std::to_string(i + 1) + " of " +
                      std::to_string(facts.size()) + " cannot be decoded");
    }
    if (fact.kind_case() == registry_facts::v1::Fact::KIND_NOT_SET) {
      ++unknown; // written by a newer hub
      continue;
    }
    registry->Apply(fact);
  }
  if (unknown > 0) {
    spdlog::warn(
        "registry: skipped {} facts of a kind this version does not know",
        unknown);
  }
  return registry;
}

std::vector<std::string> Registry::Learn(const v1::Record &record) {
  std::vector<std::string> out;
  // Undoes what `undone` taught, about the subject it taught about.
  auto undo = [&](const std::string &undone) {
    auto taught = taught_.find(undone);
    if (taught == taught_.end())
      return;
    registry_facts::v1::Fact fact = FactFrom(record, taught->second);
    fact.mutable_undo()->set_record_id(undone);
    Emit(fact, out);
  };
  if (!record.retracts().empty()) {
    undo(record.retracts());
    return out;
  }
  const std::string subject = SubjectKey(record.subject());
  if (subject.empty())
    return out;
  const Teaching teaching = ReadTeaching(record, agencies_);
  if (teaching.kind == Teaching::Kind::kUnreadable) {
    spdlog::debug("registry: record {} teaches nothing: {}", record.record_id(),
                  teaching.why);
  } else if (teaching.kind != Teaching::Kind::kNotAbout) {
    if (!record.amends().empty())
      undo(record.amends());
    AddTeaching(record, subject, teaching, out);
  }
  // A registration record says itself which practice, and an ending one must
  // not be taken back by the practice it names.
  if (record.record_type() != kRegistrationType)
    AddImpliedRegistration(record, subject, out);
  return out;
}

void Registry::AddTeaching(const v1::Record &record, const std::string &subject,
                           const Teaching &teaching,
                           std::vector<std::string> &out) {
  auto found = subjects_.find(subject);
  const SubjectFacts *known =
      found == subjects_.end() ? nullptr : &found->second;
  registry_facts::v1::Fact fact = FactFrom(record, subject);
  switch (teaching.kind) {
  case Teaching::Kind::kConsent:
    *fact.mutable_consent() = teaching.consent;
    Emit(fact, out);
    return;
  case Teaching::Kind::kRelationship:
    if (teaching.ends) {
      if (known == nullptr ||
          known->Active(teaching.agency, teaching.relationship) == nullptr) {
        return; // nothing to end
      }
      auto *end = fact.mutable_end();
      end->set_agency(teaching.agency);
      end->set_relationship(teaching.relationship);
      end->set_end_us(teaching.at_us);
    } else {
      const bool registration = teaching.relationship == kRegisteredGp;
      const RelationshipEntry *current =
          known == nullptr ? nullptr
                           : known->Active(registration ? "" : teaching.agency,
                                           teaching.relationship);
      if (current != nullptr && current->agency == teaching.agency &&
          current->detail == teaching.detail) {
        return; // already so
      }
      auto *start = fact.mutable_start();
      start->set_agency(teaching.agency);
      start->set_relationship(teaching.relationship);
      start->set_start_us(teaching.at_us);
      start->set_detail(teaching.detail);
    }
    Emit(fact, out);
    return;
  case Teaching::Kind::kNotAbout:
  case Teaching::Kind::kUnreadable:
  case Teaching::Kind::kNoDirective:
    return;
  }
}

void Registry::AddImpliedRegistration(const v1::Record &record,
                                      const std::string &subject,
                                      std::vector<std::string> &out) {
  const std::string &ods = record.subject().registered_gp_ods();
  if (ods.empty())
    return;
  const Agency *practice = agencies_.PracticeByOds(ods);
  if (practice == nullptr) {
    spdlog::debug(
        "registry: record {} names a GP practice the hub does not know",
        record.record_id());
    return;
  }
  auto found = subjects_.find(subject);
  if (found != subjects_.end()) {
    const RelationshipEntry *current = found->second.Active("", kRegisteredGp);
    if (current != nullptr && current->agency == practice->id)
      return;
    // Only the practice itself may change a known registration: other agencies'
    // copies of the registered practice may be out of date.
    if (found->second.KnowsRegistration() &&
        record.source_agency() != practice->id)
      return;
  }
  registry_facts::v1::Fact fact = FactFrom(record, subject);
  auto *start = fact.mutable_start();
  start->set_agency(practice->id);
  start->set_relationship(std::string(kRegisteredGp));
  start->set_start_us(RecordInstant(record));
  Emit(fact, out);
}

void Registry::Emit(registry_facts::v1::Fact &fact,
                    std::vector<std::string> &out) {
  Apply(fact);
  out.push_back(fact.SerializeAsString());
}

void Registry::Apply(const registry_facts::v1::Fact &fact) {
  const std::string &subject = fact.subject();
  auto found = subjects_.find(subject);
  OpenBatch *batch = open_batches_.empty() ? nullptr : &open_batches_.back();
  if (batch != nullptr && !batch->saved_subjects.contains(subject)) {
    batch->saved_subjects.emplace(subject,
                                  found == subjects_.end()
                                      ? std::nullopt
                                      : std::optional<SubjectFacts>(found->second));
  }
  if (found == subjects_.end())
    found = subjects_.emplace(subject, SubjectFacts{}).first;
  found->second.Apply(fact);
  ++fact_count_;
  if (fact.kind_case() != registry_facts::v1::Fact::kUndo &&
      taught_.emplace(fact.record_id(), subject).second && batch != nullptr) {
    batch->new_taught.push_back(fact.record_id());
  }
}

void Registry::BeginBatch() {
  open_batches_.push_back(OpenBatch{{}, {}, fact_count_});
}

void Registry::CommitBatch() {
  if (!open_batches_.empty())
    open_batches_.pop_front();
}

void Registry::RollbackBatch() {
  if (open_batches_.empty())
    return;
  OpenBatch &batch = open_batches_.back();
  for (auto &[subject, saved] : batch.saved_subjects) {
    if (saved.has_value()) {
      subjects_.insert_or_assign(subject, std::move(*saved));
    } else {
      subjects_.erase(subject);
    }
  }
  for (const std::string &record_id : batch.new_taught)
    taught_.erase(record_id);
  fact_count_ = batch.saved_fact_count;
  open_batches_.pop_back();
}

const SubjectFacts *Registry::History(std::string_view subject_key) const {
  auto found = subjects_.find(subject_key);
  return found == subjects_.end() ? nullptr : &found->second;
}

const SubjectFacts *Registry::History(const v1::Subject &subject) const {
  if (!subject.nhs_number().empty()) {
    if (const SubjectFacts *facts = History(subject.nhs_number()))
      return facts;
  }
  if (subject.local_ids().empty() || subjects_.empty())
    return nullptr;
  for (const std::string &key : SubjectKeys(subject)) {
    if (const SubjectFacts *facts = History(key))
      return facts;
  }
  return nullptr;
}

router::ConsentView Registry::Consent(const v1::Subject &subject,
                                      std::string_view protocol,
                                      std::string_view purpose) const {
  const SubjectFacts *facts = History(subject);
  const ConsentEntry *entry =
      facts == nullptr ? nullptr : facts->Consent(protocol, purpose);
  if (entry == nullptr)
    return {};
  return {entry->status, entry->record_id};
}

void Registry::ForEachRelationship(
    const v1::Subject &subject,
    const std::function<void(std::string_view agency,
                             std::string_view relationship)> &visit) const {
  const SubjectFacts *facts = History(subject);
  if (facts == nullptr)
    return;
  for (const auto &entry : facts->relationships) {
    if (entry.active())
      visit(entry.agency, entry.relationship);
  }
}

} // namespace gallery::registry
