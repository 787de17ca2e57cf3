// Loading FHIR mappings: the demo and fixture mappings load, and every mistake is reported
// at once with its file:line:col.
#include "adapters/fhir/fhir_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/adapters/fhir/fhir_test_util.h"

namespace gallery::fhir {
namespace {

using ::testing::HasSubstr;

TEST(FhirMappingTest, DemoAndFixtureMappingsLoad) {
  for (const std::string& path :
       {test_util::DemoMappingPath(), test_util::SourcePath("tests/testdata/fhir/fixtures.yaml")}) {
    auto mapping = FhirMapping::Load(path);
    ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
    EXPECT_EQ(mapping->spec().resources.size(), 6u) << path;
  }
  const FhirMapping demo = test_util::LoadMapping(test_util::DemoMappingPath());
  EXPECT_EQ(demo.agency(), "hosp-general");
  EXPECT_EQ(demo.spec().record_id_prefix, "hosp-general:fhir:");
  const ResourceSpec* encounter = demo.spec().Find("Encounter");
  ASSERT_NE(encounter, nullptr);
  ASSERT_TRUE(encounter->record_type_by.has_value());
  EXPECT_EQ(encounter->record_type_by->codes.at("IMP"), "encounter.inpatient");
}

TEST(FhirMappingTest, MinimalMappingTakesDefaults) {
  auto mapping = FhirMapping::Parse(
      "agency: gp-riverside\nresources:\n  Patient: {record_type: "
      "patient.demographics}\n",
      "m.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_EQ(mapping->spec().record_id_prefix, "gp-riverside:fhir:");
  EXPECT_EQ(mapping->spec().subject.nhs_number_system, "https://fhir.nhs.uk/Id/nhs-number");
}

TEST(FhirMappingTest, EveryMistakeIsReportedWithLineAndColumn) {
  auto mapping = FhirMapping::Parse(R"(agency: Bad Agency
alow: [x]
resources:
  Patient: {record_type: patient}
  Flag: {record_type: flag.alert}
  Observation:
    record_type: observation.result
    sections:
      - heading: Result
        fields:
          - {name: Value, element: "Value.x"}
          - {name: value, element: code, type: colour}
  Consent: {record_type: referral.consent}
  Encounter: {}
)",
                                    "t.yaml");
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.status().code(), Code::kInvalidArgument);
  const std::string m = mapping.status().message();
  EXPECT_THAT(m, HasSubstr("t.yaml:1:9: 'agency' must be lower case"));
  EXPECT_THAT(m, HasSubstr("t.yaml:2:1: unknown key 'alow'"));
  EXPECT_THAT(m, HasSubstr("t.yaml:4:26: 'record_type' must be domain.event"));
  EXPECT_THAT(m, HasSubstr("t.yaml:5:3: resource type 'Flag' is not supported"));
  EXPECT_THAT(m, HasSubstr("t.yaml:11:36: 'Value.x' is not an element path"));
  EXPECT_THAT(m, HasSubstr("t.yaml:12:20: duplicate field name 'value'"));
  EXPECT_THAT(m, HasSubstr("t.yaml:12:48: unknown type 'colour'"));
  EXPECT_THAT(m, HasSubstr("t.yaml:13:12: Consent: record types must be consent.*"));
  EXPECT_THAT(m,
              HasSubstr("t.yaml:14:14: Encounter: give 'record_type', 'record_type_by' or both"));
}

TEST(FhirMappingTest, ElementPathsReadChoicesAndIndexes) {
  auto path = ParseElementPath("value[x]");
  ASSERT_TRUE(path.ok());
  const nlohmann::json obs = {{"valueQuantity", {{"value", 5}}},
                              {"note", {{{"text", "a"}}, {{"text", "b"}}}}};
  std::string where;
  const nlohmann::json* found = FindElement(obs, *path, "Observation", &where);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(where, "Observation.valueQuantity");
  auto second = ParseElementPath("note[1].text");
  ASSERT_TRUE(second.ok());
  found = FindElement(obs, *second, "Observation", &where);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, "b");
  EXPECT_EQ(where, "Observation.note[1].text");
  EXPECT_FALSE(ParseElementPath("a..b").ok());
  EXPECT_FALSE(ParseElementPath("a[").ok());
}

}  // namespace
}  // namespace gallery::fhir
