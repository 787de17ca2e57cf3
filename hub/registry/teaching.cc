#include "hub/registry/teaching.h"

#include <cctype>

#include "hub/registry/record_fields.h"
#include "hub/registry/subject_facts.h"

namespace gallery::registry {
namespace {

constexpr std::string_view kConsentPrefix = "consent.";
constexpr std::string_view kRelationshipPrefix = "relationship.";
constexpr std::string_view kPurposes[] = {"direct-care", "safeguarding",
                                          "service-planning"};

Teaching Unreadable(std::string why) {
  Teaching teaching;
  teaching.kind = Teaching::Kind::kUnreadable;
  teaching.why = std::move(why);
  return teaching;
}

// The normalised text of the first of `names` present; empty when none is.
std::string TextOf(const v1::Record &record,
                   std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (const v1::Field *field = FindField(record, name))
      return Normalised(FieldText(*field));
  }
  return {};
}

// The instant in the first of `names` present, else the record's own; nullopt
// when the field is there but unreadable.
std::optional<int64_t>
InstantOf(const v1::Record &record,
          std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (const v1::Field *field = FindField(record, name))
      return FieldInstant(*field);
  }
  return RecordInstant(record);
}

// A purpose as a field gives it: the vocabulary's name as its code or text, in
// any case.
bool ReadPurpose(const v1::Field &field, std::string &purpose) {
  for (const std::string &candidate :
       {Normalised(FieldText(field)),
        Normalised(field.has_coded() ? field.coded().display() : "")}) {
    for (std::string_view known : kPurposes) {
      if (candidate == known) {
        purpose = known;
        return true;
      }
    }
  }
  return false;
}

Teaching ReadConsent(const v1::Record &record) {
  Teaching teaching;
  const std::string status = TextOf(record, {"Status"});
  const std::string decision = TextOf(record, {"Decision"});
  registry_facts::v1::ConsentStatus directive =
      registry_facts::v1::CONSENT_STATUS_UNSPECIFIED;
  if (status == "given") {
    directive = registry_facts::v1::CONSENT_STATUS_GIVEN;
  } else if (status == "objected") {
    directive = registry_facts::v1::CONSENT_STATUS_OBJECTED;
  } else if (status == "withdrawn" || status == "inactive" ||
             status == "rejected") {
    directive = registry_facts::v1::CONSENT_STATUS_WITHDRAWN;
  } else if (status == "entered-in-error") {
    teaching.kind = Teaching::Kind::kNoDirective;
    return teaching;
  } else if (status == "active" || status.empty()) {
    if (decision == "permit")
      directive = registry_facts::v1::CONSENT_STATUS_GIVEN;
    if (decision == "deny")
      directive = registry_facts::v1::CONSENT_STATUS_OBJECTED;
    if (directive == registry_facts::v1::CONSENT_STATUS_UNSPECIFIED) {
      return Unreadable(status.empty() ? "no Status or Decision"
                                       : "Status active without Decision");
    }
  } else {
    return Unreadable("Status is not a directive in force");
  }
  teaching.consent.set_status(directive);
  if (const v1::Field *protocol = FindField(record, "Protocol")) {
    const std::string name = Normalised(FieldText(*protocol));
    if (name.empty())
      return Unreadable("empty Protocol");
    teaching.consent.set_protocol(name);
  } else if (const v1::Field *purpose = FindField(record, "Purpose")) {
    std::string name;
    if (!ReadPurpose(*purpose, name))
      return Unreadable("Purpose is not a purpose of the vocabulary");
    teaching.consent.set_purpose(name);
  }
  const auto effective = InstantOf(record, {"Date", "Period"});
  if (!effective)
    return Unreadable("unreadable Date or Period");
  teaching.consent.set_effective_us(*effective);
  teaching.kind = Teaching::Kind::kConsent;
  return teaching;
}

Teaching ReadRelationship(const v1::Record &record,
                          const AgencyDirectory &agencies) {
  const std::string_view type = record.record_type();
  const std::string_view event = type.substr(kRelationshipPrefix.size());
  Teaching teaching;
  teaching.kind = Teaching::Kind::kRelationship;
  const Agency *agency = nullptr;
  if (event == "registration") {
    teaching.relationship = kRegisteredGp;
    if (const v1::Field *practice = FindField(record, "Practice")) {
      agency = agencies.PracticeByOds(FieldText(*practice));
      if (agency == nullptr)
        return Unreadable("Practice is no gp-practice of the hub");
    }
  } else if (event == "allocation") {
    teaching.relationship = kAllocatedWorker;
    for (std::string_view name : {"Worker", "Team"}) {
      const v1::Field *field = FindField(record, name);
      if (field == nullptr)
        continue;
      if (!teaching.detail.empty())
        teaching.detail += "; ";
      teaching.detail += std::string(name) + ": " + FieldText(*field);
    }
  } else {
    teaching.relationship = TextOf(record, {"Relationship"});
    if (teaching.relationship.empty())
      teaching.relationship = event;
  }
  if (agency == nullptr) {
    if (const v1::Field *named = FindField(record, "Agency")) {
      agency = agencies.ById(Normalised(FieldText(*named)));
      if (agency == nullptr)
        return Unreadable("Agency is no agency of the hub");
    } else {
      agency = agencies.ById(record.source_agency());
      if (agency == nullptr)
        return Unreadable("the source is no agency of the hub");
    }
  }
  if (teaching.relationship == kRegisteredGp && agency->kind != "gp-practice") {
    return Unreadable(
        "a registration with an agency that is not a gp-practice");
  }
  teaching.agency = agency->id;
  teaching.ends = FindField(record, "End") != nullptr ||
                  FindField(record, "Ended") != nullptr ||
                  TextOf(record, {"Status"}) == "ended";
  const auto at = teaching.ends
                      ? InstantOf(record, {"End", "Ended"})
                      : InstantOf(record, {"Date", "Start", "Period"});
  if (!at)
    return Unreadable(teaching.ends ? "unreadable End"
                                    : "unreadable Date, Start or Period");
  teaching.at_us = *at;
  return teaching;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

AgencyDirectory::AgencyDirectory(const std::vector<Agency> &agencies) {
  for (const Agency &agency : agencies) {
    by_id_.emplace(agency.id, agency);
    if (agency.kind == "gp-practice" && !agency.ods_code.empty()) {
      practice_by_ods_.emplace(Upper(agency.ods_code), agency.id);
    }
  }
}

const Agency *AgencyDirectory::ById(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &it->second;
}

const Agency *AgencyDirectory::PracticeByOds(std::string_view ods) const {
  std::string key = Upper(ods);
  while (!key.empty() && key.back() == ' ')
    key.pop_back();
  while (!key.empty() && key.front() == ' ')
    key.erase(0, 1);
  auto it = practice_by_ods_.find(key);
  return it == practice_by_ods_.end() ? nullptr : ById(it->second);
}

Teaching ReadTeaching(const v1::Record &record,
                      const AgencyDirectory &agencies) {
  const std::string_view type = record.record_type();
  if (type.starts_with(kConsentPrefix))
    return ReadConsent(record);
  if (type.starts_with(kRelationshipPrefix) &&
      type.size() > kRelationshipPrefix.size()) {
    return ReadRelationship(record, agencies);
  }
  return {};
}

} // namespace gallery::registry
