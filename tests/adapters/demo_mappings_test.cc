// The demo region's mappings (deploy/demo/mappings) convert every row of its sample
// extracts (deploy/demo/samples), and agree with the demo hub's agencies.
#include <filesystem>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "adapters/csv/csv_mapping.h"
#include "hub/common/nhs_number.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

using test_util::SourcePath;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

struct Demo {
  std::string stem;  // "asc-county-assessments": mapping and sample share it
  std::vector<v1::Record> records;
};

// Every mapping in the demo folder, with its sample mapped; test failures for any error.
std::vector<Demo> MapAllDemos() {
  std::vector<Demo> demos;
  const std::filesystem::path dir = SourcePath("deploy/demo/mappings");
  std::vector<std::filesystem::path> mappings;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") mappings.push_back(entry.path());
  }
  std::sort(mappings.begin(), mappings.end());
  for (const auto& path : mappings) {
    Demo demo{path.stem().string(), {}};
    auto mapping = CsvMapping::Load(path.string());
    EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
    if (!mapping.ok()) continue;
    const std::string sample = SourcePath("deploy/demo/samples/" + demo.stem + ".csv");
    auto table = mapping->OpenCsv(sample);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    if (!table.ok()) continue;
    auto mapper = mapping->Bind(*table);
    EXPECT_TRUE(mapper.ok()) << mapper.status().ToString();
    if (!mapper.ok()) continue;
    for (const CsvRow& row : table->rows()) {
      auto record = mapper->MapRow(row);
      EXPECT_TRUE(record.ok()) << record.status().ToString();
      if (record.ok()) demo.records.push_back(std::move(record).value());
    }
    demos.push_back(std::move(demo));
  }
  return demos;
}

std::set<std::string> Headings(const v1::Record& r) {
  std::set<std::string> out;
  for (const auto& s : r.sections()) out.insert(s.heading());
  return out;
}

TEST(DemoMappingsTest, EveryMappingConvertsEveryRowOfItsSample) {
  const std::vector<Demo> demos = MapAllDemos();
  std::map<std::string, size_t> rows;
  for (const Demo& d : demos) rows[d.stem] = d.records.size();
  using Row = std::pair<const std::string, size_t>;
  EXPECT_THAT(rows, UnorderedElementsAre(
                        Row{"asc-county-assessments", 4}, Row{"dn-central-assessments", 3},
                        Row{"hosp-general-discharges", 3}, Row{"gp-riverside-referrals", 2},
                        Row{"gp-hillview-referrals", 2}, Row{"hosp-general-attendances", 2},
                        Row{"asc-county-allocations", 1}, Row{"dn-central-allocations", 1},
                        Row{"housing-homesafe-tenancies", 1}, Row{"csc-county-plans", 1}));
  for (const Demo& d : demos) {
    const std::string agency = d.stem.substr(0, d.stem.rfind('-'));
    std::set<std::string> ids;
    for (const v1::Record& r : d.records) {
      EXPECT_EQ(r.source_agency(), agency);
      EXPECT_TRUE(r.record_id().starts_with(agency + ":")) << r.record_id();
      EXPECT_TRUE(ids.insert(r.record_id()).second) << "repeated id " << r.record_id();
      EXPECT_TRUE(ValidateNhsNumber(r.subject().nhs_number()).ok()) << r.record_id();
      EXPECT_TRUE(r.subject().nhs_number().starts_with("999")) << "not a test-range number";
      // Relationship extracts teach the hub who works with whom: identifiers only.
      if (r.record_type().starts_with("relationship.")) continue;
      EXPECT_THAT(r.subject().registered_gp_ods(), ::testing::AnyOf("A81001", "A81002"));
      EXPECT_FALSE(r.subject().demographics().family_name().empty());
      EXPECT_FALSE(r.subject().demographics().birth_date().empty());
      EXPECT_TRUE(r.has_occurred_at()) << r.record_id();
      EXPECT_FALSE(r.has_recorded_at());
    }
  }
}

TEST(DemoMappingsTest, EachAgencyKeepsItsOwnHeadingsAndRecordTypes) {
  for (const Demo& d : MapAllDemos()) {
    for (const v1::Record& r : d.records) {
      if (d.stem == "asc-county-assessments") {
        EXPECT_EQ(r.record_type(), "assessment.single");
        EXPECT_THAT(Headings(r), ::testing::IsSupersetOf({"Personal care", "Mobility",
                                                          "Home environment", "Finances"}));
      } else if (d.stem == "dn-central-assessments") {
        EXPECT_EQ(r.record_type(), "assessment.single");
        EXPECT_THAT(Headings(r), UnorderedElementsAre("Nursing needs", "Skin integrity",
                                                      "Medication", "Mobility"));
      } else if (d.stem == "hosp-general-attendances") {
        EXPECT_EQ(r.record_type(), "attendance.unscheduled");
        EXPECT_THAT(Headings(r), UnorderedElementsAre("Attendance", "Clinical"));
      } else if (d.stem == "csc-county-plans") {
        EXPECT_EQ(r.record_type(), "relationship.child-protection-plan");
      } else if (d.stem == "housing-homesafe-tenancies") {
        EXPECT_EQ(r.record_type(), "relationship.tenancy");
      } else if (d.stem.ends_with("-allocations")) {
        EXPECT_EQ(r.record_type(), "relationship.allocation");
      } else if (d.stem == "hosp-general-discharges") {
        EXPECT_EQ(r.record_type(), "adt.discharge");
        EXPECT_THAT(Headings(r),
                    UnorderedElementsAre("Discharge summary", "Medication", "Follow-up"));
      } else {
        EXPECT_EQ(r.record_type(), "referral.request");
        EXPECT_THAT(Headings(r), UnorderedElementsAre("Reason for referral", "Relevant history"));
      }
    }
  }
}

// A practice only refers its own patients, and social care covers both practices: the
// relationship:registered-gp rules depend on it.
TEST(DemoMappingsTest, RegisteredPracticesMatchTheAgencies) {
  for (const Demo& d : MapAllDemos()) {
    std::multiset<std::string> practices;
    for (const v1::Record& r : d.records) practices.insert(r.subject().registered_gp_ods());
    if (d.stem == "gp-riverside-referrals") {
      EXPECT_THAT(practices, ElementsAre("A81001", "A81001"));
    } else if (d.stem == "gp-hillview-referrals") {
      EXPECT_THAT(practices, ElementsAre("A81002", "A81002"));
    } else if (d.stem == "asc-county-assessments") {
      EXPECT_EQ(practices.count("A81001"), 2u);
      EXPECT_EQ(practices.count("A81002"), 2u);
    }
  }
}

TEST(DemoMappingsTest, SamplesExerciseQuotingAndLabels) {
  for (const Demo& d : MapAllDemos()) {
    if (d.stem == "asc-county-assessments") {
      // NHS numbers typed "999 000 0018" and "999-000-0042" arrive normalised.
      EXPECT_EQ(d.records[0].subject().nhs_number(), "9990000018");
      EXPECT_EQ(d.records[3].subject().nhs_number(), "9990000042");
      EXPECT_THAT(d.records[2].subject().demographics().address_lines(),
                  ElementsAre("Flat 3, Mill House", "Riverside"));
    }
    if (d.stem == "gp-riverside-referrals") {
      const v1::Section& history = d.records[1].sections(1);
      ASSERT_EQ(history.heading(), "Relevant history");
      EXPECT_EQ(history.fields(3).name(), "Mental health history");
      EXPECT_THAT(history.fields(3).sensitivity_labels(), ElementsAre("mental-health"));
    }
  }
}

// The demo hub (deploy/demo/hub.yaml) must know every agency a demo mapping publishes as.
TEST(DemoMappingsTest, EveryMappingAgencyIsADemoHubAgency) {
  YAML::Node hub;
  ASSERT_NO_THROW(hub = YAML::LoadFile(SourcePath("deploy/demo/hub.yaml")));
  std::set<std::string> agencies;
  for (const auto& a : hub["agencies"]) agencies.insert(a["id"].as<std::string>());
  for (const Demo& d : MapAllDemos()) {
    ASSERT_FALSE(d.records.empty());
    EXPECT_TRUE(agencies.count(d.records[0].source_agency())) << d.records[0].source_agency();
  }
}

}  // namespace
}  // namespace gallery::csv
