#include "hub/router/redaction.h"

#include <algorithm>

namespace gallery::router {
namespace {

bool IsSet(const v1::Demographics& d, Demographic which) {
  switch (which) {
    case Demographic::kGivenName: return !d.given_name().empty();
    case Demographic::kFamilyName: return !d.family_name().empty();
    case Demographic::kBirthDate: return !d.birth_date().empty();
    case Demographic::kGender: return !d.gender().empty();
    case Demographic::kAddress: return d.address_lines_size() > 0;
    case Demographic::kPostcode: return !d.postcode().empty();
    case Demographic::kPhone: return !d.phone().empty();
  }
  return false;
}

void CopyDemographic(const v1::Demographics& from, Demographic which, v1::Demographics& to) {
  switch (which) {
    case Demographic::kGivenName: to.set_given_name(from.given_name()); return;
    case Demographic::kFamilyName: to.set_family_name(from.family_name()); return;
    case Demographic::kBirthDate: to.set_birth_date(from.birth_date()); return;
    case Demographic::kGender: to.set_gender(from.gender()); return;
    case Demographic::kAddress: *to.mutable_address_lines() = from.address_lines(); return;
    case Demographic::kPostcode: to.set_postcode(from.postcode()); return;
    case Demographic::kPhone: to.set_phone(from.phone()); return;
  }
}

bool LabelsPermitted(const Rule& rule,
                     const google::protobuf::RepeatedPtrField<std::string>* labels) {
  if (labels == nullptr) return true;
  return std::all_of(labels->begin(), labels->end(), [&](const std::string& label) {
    return std::binary_search(rule.labels.begin(), rule.labels.end(), label);
  });
}

bool AnyMatches(const std::vector<PathPattern>& patterns, std::string_view path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const PathPattern& p) { return p.glob.Matches(path); });
}

}  // namespace

std::vector<RecordItem> ListItems(const v1::Record& record) {
  std::vector<RecordItem> items;
  Spares<RecordItem> spares;
  ListItems(record, items, spares);
  return items;
}

void ListItems(const v1::Record& record, std::vector<RecordItem>& items,
               Spares<RecordItem>& spares) {
  size_t count = 0;
  auto next = [&]() -> RecordItem& { return spares.Next(items, count); };
  const v1::Demographics& demographics = record.subject().demographics();
  for (size_t d = 0; d < kDemographicNames.size(); ++d) {
    const auto which = static_cast<Demographic>(d);
    if (!IsSet(demographics, which)) continue;
    RecordItem& item = next();
    item.path.assign(kSubjectPrefix).append(kDemographicNames[d]);
    item.section = -1;
    item.index = static_cast<int>(d);
    item.section_labels = nullptr;
    item.field_labels = nullptr;
  }
  for (int s = 0; s < record.sections_size(); ++s) {
    const v1::Section& section = record.sections(s);
    for (int f = 0; f < section.fields_size(); ++f) {
      const v1::Field& field = section.fields(f);
      RecordItem& item = next();
      item.path.assign(section.heading()).append("/").append(field.name());
      item.section = s;
      item.index = f;
      item.section_labels = &section.sensitivity_labels();
      item.field_labels = &field.sensitivity_labels();
    }
  }
  spares.Trim(items, count);
}

bool RulePermits(const Rule& rule, const RecordItem& item) {
  return LabelsPermitted(rule, item.section_labels) && LabelsPermitted(rule, item.field_labels) &&
         AnyMatches(rule.include, item.path) && !AnyMatches(rule.exclude, item.path);
}

void ListWithheld(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, std::vector<std::string>& withheld) {
  ForEachWithheld(record, items, allowed, [&](std::string_view head, std::string_view tail) {
    withheld.emplace_back(head).append(tail);
  });
}

v1::Record Redact(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, const SectionHeadings& headings,
                  std::vector<std::string>& withheld) {
  v1::Record out;
  out.set_record_id(record.record_id());
  out.set_source_agency(record.source_agency());
  out.set_record_type(record.record_type());
  *out.mutable_sensitivity_labels() = record.sensitivity_labels();
  out.set_amends(record.amends());
  out.set_retracts(record.retracts());
  if (record.has_occurred_at()) *out.mutable_occurred_at() = record.occurred_at();
  if (record.has_recorded_at()) *out.mutable_recorded_at() = record.recorded_at();
  if (record.has_received_at()) *out.mutable_received_at() = record.received_at();
  const v1::Subject& subject = record.subject();
  if (record.has_subject()) {
    v1::Subject& to = *out.mutable_subject();
    to.set_nhs_number(subject.nhs_number());
    *to.mutable_local_ids() = subject.local_ids();
    to.set_registered_gp_ods(subject.registered_gp_ods());
  }

  ListWithheld(record, items, allowed, withheld);
  // Items come in record order, so a section is opened at its first allowed field and
  // sections with nothing allowed are never created.
  int open_section = -1;
  v1::Section* target = nullptr;
  for (size_t i = 0; i < items.size(); ++i) {
    const RecordItem& item = items[i];
    if (!allowed[i]) continue;
    if (item.section < 0) {
      CopyDemographic(subject.demographics(), static_cast<Demographic>(item.index),
                      *out.mutable_subject()->mutable_demographics());
      continue;
    }
    const v1::Section& section = record.sections(item.section);
    if (item.section != open_section) {
      open_section = item.section;
      target = out.add_sections();
      target->set_heading(TravellingHeading(record, headings, item.section));
      *target->mutable_sensitivity_labels() = section.sensitivity_labels();
    }
    *target->add_fields() = section.fields(item.index);
  }
  return out;
}

}  // namespace gallery::router
