// Shared fixtures for router tests: the demo region's agencies, a record builder and a
// subject state the test sets.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/router/rule_set.h"
#include "hub/router/subject_state.h"

namespace gallery::router::test_util {

// Six agencies of the demo region (deploy/demo/hub.yaml): the single assessment's.
inline std::vector<Agency> DemoAgencies() {
  return {
      {"gp-riverside", "Riverside Surgery", "gp-practice", "A81001"},
      {"gp-hillview", "Hillview Medical Centre", "gp-practice", "A81002"},
      {"dn-central", "Central District Nursing Team", "community-health", ""},
      {"asc-county", "County Adult Social Care", "adult-social-care", ""},
      {"housing-homesafe", "HomeSafe Housing Association", "housing", ""},
      {"hosp-general", "General Hospital", "hospital", ""},
  };
}

// `document` with the first `from` replaced by `to`, for tests that break one line of a
// good protocol.
inline std::string With(std::string_view document, std::string_view from, std::string_view to) {
  std::string text(document);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The load errors of `yaml` as file `file` against the demo agencies; a test failure when
// it loads.
inline std::string LoadErrors(std::string_view yaml, const std::string& file) {
  auto rules = RuleSet::LoadString(yaml, file, DemoAgencies());
  EXPECT_FALSE(rules.ok());
  if (rules.ok()) return "";
  EXPECT_EQ(rules.status().code(), Code::kInvalidArgument);
  return rules.status().message();
}

// A record with identifiers and no content.
inline v1::Record MakeRecord(const std::string& source, const std::string& type,
                             const std::string& registered_gp_ods = "") {
  v1::Record record;
  record.set_record_id(source + ":" + type + ":1");
  record.set_source_agency(source);
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number("9990000018");
  record.mutable_subject()->set_registered_gp_ods(registered_gp_ods);
  return record;
}

// Appends a section whose fields are text values; returns it for adding labels.
inline v1::Section& AddSection(v1::Record& record, const std::string& heading,
                               std::initializer_list<std::pair<const char*, const char*>> fields) {
  v1::Section& section = *record.add_sections();
  section.set_heading(heading);
  for (const auto& [name, text] : fields) {
    v1::Field& field = *section.add_fields();
    field.set_name(name);
    field.set_text(text);
  }
  return section;
}

// Every "Heading/Field" and demographic the redacted record still carries, in order.
inline std::vector<std::string> PathsOf(const v1::Record& record) {
  std::vector<std::string> paths;
  const v1::Demographics& d = record.subject().demographics();
  if (!d.given_name().empty()) paths.push_back("@subject/given_name");
  if (!d.family_name().empty()) paths.push_back("@subject/family_name");
  if (!d.birth_date().empty()) paths.push_back("@subject/birth_date");
  if (!d.gender().empty()) paths.push_back("@subject/gender");
  if (d.address_lines_size() > 0) paths.push_back("@subject/address");
  if (!d.postcode().empty()) paths.push_back("@subject/postcode");
  if (!d.phone().empty()) paths.push_back("@subject/phone");
  for (const v1::Section& section : record.sections()) {
    for (const v1::Field& field : section.fields()) {
      paths.push_back(section.heading() + "/" + field.name());
    }
  }
  return paths;
}

// The same directives and relationships for every subject, as the test sets them.
class FakeSubjectState final : public SubjectState {
 public:
  // A directive whose scope is a protocol or a purpose; "" for every protocol and purpose.
  void SetConsent(const std::string& scope, ConsentStatus status, const std::string& record_id) {
    directives_[scope] = {status, record_id};
  }
  void Relate(const std::string& agency, const std::string& relationship) {
    relationships_.emplace_back(agency, relationship);
  }

  // The protocol's directive, else the purpose's, else the one for everything.
  ConsentView Consent(const v1::Subject&, std::string_view protocol,
                      std::string_view purpose) const override {
    asked_.emplace_back(std::string(protocol) + "/" + std::string(purpose));
    for (std::string_view scope : {protocol, purpose, std::string_view()}) {
      auto it = directives_.find(std::string(scope));
      if (it != directives_.end()) return {it->second.first, it->second.second};
    }
    return {};
  }
  void ForEachRelationship(
      const v1::Subject&,
      const std::function<void(std::string_view, std::string_view)>& visit) const override {
    for (const auto& [agency, relationship] : relationships_) visit(agency, relationship);
  }

  // Every Consent() question as "protocol/purpose", in order.
  const std::vector<std::string>& asked() const { return asked_; }

 private:
  std::map<std::string, std::pair<ConsentStatus, std::string>> directives_;
  std::vector<std::pair<std::string, std::string>> relationships_;
  mutable std::vector<std::string> asked_;
};

}  // namespace gallery::router::test_util
