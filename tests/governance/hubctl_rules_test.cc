// hubctl rules check | explain | diff run as processes, against rule folders, a config and
// a journal store written by the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include <google/protobuf/util/time_util.h>

#include "hub/common/now_micros.h"
#include "hub/config/hub_config.h"
#include "hub/registry/registry.h"
#include "hub/store/store_factory.h"
#include "tests/common/command.h"
#include "tests/governance/governance_test_util.h"

namespace gallery::governance {
namespace {

using testing::Assessment;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Protocol;
using testing::TempDir;

constexpr const char* kToHousing = R"(  - id: to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/postcode"]
)";
constexpr const char* kToNursing = R"(  - id: to-nursing
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
    exclude: ["Finances"]
)";

using test_support::CommandResult;
using test_support::Hubctl;

class HubctlRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.Write("hub.yaml", std::string("hub:\n  endpoint: \"tcp://127.0.0.1:*\"\n"
                                                 "  store: journal\n  rules: old\n") +
                                         testing::kAgenciesYaml);
    old_ = dir_.Write("old/p.yaml", Protocol("p") + kToHousing);
    old_ = dir_.path() + "/old";
  }

  // Journals `records` as hubd does: each teaches the registry first, and what it taught is
  // journaled with it.
  void JournalLearning(std::vector<v1::Record> records) {
    auto config = config::LoadHubConfig(config_);
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto store = store::OpenStore(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    registry::Registry registry(config->agencies);
    std::vector<store::NewRecord> entries;
    for (v1::Record& record : records) {
      *record.mutable_received_at() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(NowMicros());
      store::NewRecord& entry = entries.emplace_back();
      entry.registry_facts = registry.Learn(record);
      ASSERT_FALSE(entry.registry_facts.empty()) << record.record_id() << " taught nothing";
      entry.record_id = record.record_id();
      entry.source_agency = record.source_agency();
      entry.record_type = record.record_type();
      entry.received_at_us = NowMicros();
      entry.payload = record.SerializeAsString();
    }
    ASSERT_TRUE((*store)->Commit(entries, {}, "test-hash").ok());
  }

  // Journals `count` assessments from asc, received now.
  void Journal(int count) {
    auto config = config::LoadHubConfig(config_);
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto store = store::OpenStore(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<store::NewRecord> records;
    for (int i = 0; i < count; ++i) {
      v1::Record record = Assessment("asc:" + std::to_string(i));
      store::NewRecord entry;
      entry.record_id = record.record_id();
      entry.source_agency = record.source_agency();
      entry.record_type = record.record_type();
      entry.received_at_us = NowMicros();
      entry.payload = record.SerializeAsString();
      records.push_back(std::move(entry));
    }
    ASSERT_TRUE((*store)->Commit(records, {}, "test-hash").ok());
  }

  std::string Rules(const std::string& name, const std::string& rules) {
    dir_.Write(name + "/p.yaml", Protocol("p") + rules);
    return dir_.path() + "/" + name;
  }

  TempDir dir_;
  std::string config_;
  std::string old_;
};

TEST_F(HubctlRulesTest, CheckExitsZeroOnACleanSetTwoOnWarningsOneOnErrors) {
  const CommandResult clean = Hubctl("rules check " + old_ + " --config " + config_);
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_THAT(clean.output, HasSubstr("0 errors, 0 warnings, 1 note"));

  const std::string shadowed = Rules("shadowed", std::string(kToHousing) + R"(  - id: postcode
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["@subject/postcode"]
)");
  const CommandResult warned = Hubctl("rules check " + shadowed + " --config " + config_);
  EXPECT_EQ(warned.exit_code, 2) << warned.output;
  EXPECT_THAT(warned.output,
              HasSubstr(shadowed + "/p.yaml:13:9: warning: rule 'postcode' adds nothing"));

  const std::string broken = Rules("broken", R"(  - id: to-nowhere
    from: [asc]
    types: [assessment.single]
    to: [nobody]
)");
  const CommandResult failed = Hubctl("rules check " + broken + " --config " + config_);
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_THAT(failed.output, HasSubstr(broken + "/p.yaml:11:10: error: unknown agency 'nobody'"));
}

TEST_F(HubctlRulesTest, CheckReportsExpiredProtocolsAsOfTodayInJson) {
  const CommandResult result =
      Hubctl("rules check " + old_ + " --config " + config_ + " --today 2100-01-01 --format json");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("\"code\":\"protocol-expired\""));
  EXPECT_THAT(result.output, HasSubstr("\"line\":5"));
}

TEST_F(HubctlRulesTest, ExplainShowsWhoReceivesWhatAndWhoIsWithheld) {
  Journal(1);
  const std::string record =
      dir_.Write("record.json",
                 R"({"recordId": "asc:9", "sourceAgency": "asc", "recordType": "assessment.single",
          "subject": {"nhsNumber": "9434765919", "demographics": {"postcode": "ZZ1 1ZZ"}},
          "sections": [{"heading": "Home environment", "fields": [{"name": "Stairs", "text": "x"}]},
                       {"heading": "Finances", "fields": [{"name": "Income", "text": "y"}]}]})");
  const CommandResult result =
      Hubctl("rules explain --rules " + old_ + " --record " + record + " --config " + config_);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("housing: RECEIVES\n  fields: @subject/postcode, "
                                       "Home environment/Stairs\n  removed: Finances/*\n"));
  EXPECT_THAT(result.output, HasSubstr("rule to-housing"));
  EXPECT_THAT(result.output, HasSubstr("dn: WITHHELD [no-rule]"));

  const CommandResult one = Hubctl("rules explain --rules " + old_ + " --record " + record +
                                   " --config " + config_ + " --no-store --to dn");
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_THAT(one.output, Not(HasSubstr("housing")));
}

v1::Record Teaching(const std::string& id, const std::string& source, const std::string& type,
                    const std::string& field, const std::string& value) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency(source);
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number("9434765919");
  v1::Section* section = record.add_sections();
  section->set_heading("Details");
  section->add_fields()->set_name(field);
  section->mutable_fields(0)->set_text(value);
  return record;
}

TEST_F(HubctlRulesTest, ExplainUsesTheConsentAndRelationshipsTheHubJournaled) {
  const std::string rules = Rules("state", std::string(kToHousing) + R"(  - id: to-gp
    from: [asc]
    types: [assessment.single]
    to: [relationship:registered-gp]
    include: ["*"]
)");
  const std::string record =
      dir_.Write("record.json",
                 R"({"recordId": "asc:9", "sourceAgency": "asc", "recordType": "assessment.single",
          "subject": {"nhsNumber": "9434765919", "registeredGpOds": "A10001"},
          "sections": [{"heading": "Home environment", "fields": [{"name": "Stairs", "text": "x"}]}]})");
  const std::string explain = "rules explain --rules " + rules + " --record " + record +
                              " --config " + config_;

  // The patient has moved to practice B: the record's stale practice A receives nothing.
  JournalLearning({Teaching("gp-b:reg:1", "gp-b", "relationship.registration", "Practice",
                            "B20002")});
  CommandResult result = Hubctl(explain);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("gp-b: RECEIVES"));
  EXPECT_THAT(result.output, HasSubstr("gp-a: WITHHELD [no-relationship]"));
  EXPECT_THAT(result.output, HasSubstr("housing: RECEIVES"));

  // Then objects to sharing: objection-respected rules stop, naming the consent record.
  JournalLearning({Teaching("asc:consent:1", "asc", "consent.directive", "Status", "objected")});
  result = Hubctl(explain);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("housing: WITHHELD [objection]"));
  EXPECT_THAT(result.output, HasSubstr("asc:consent:1"));
  EXPECT_THAT(result.output, HasSubstr("gp-b: WITHHELD [objection]"));

  // Without the store, none of it is known.
  result = Hubctl(explain + " --no-store");
  EXPECT_THAT(result.output, HasSubstr("housing: RECEIVES"));
  EXPECT_THAT(result.output, HasSubstr("gp-a: RECEIVES"));
}

TEST_F(HubctlRulesTest, ExplainRejectsARecordThatIsNotARecordNamingTheField) {
  const std::string record = dir_.Write("bad.json", R"({"recordId": "x", "secton": []})");
  const CommandResult result = Hubctl("rules explain --rules " + old_ + " --record " + record +
                                      " --config " + config_ + " --no-store");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr(record));
  EXPECT_THAT(result.output, HasSubstr("secton"));
}

TEST_F(HubctlRulesTest, DiffExitsThreeWithChangesAndZeroWithout) {
  Journal(2);
  const std::string added = Rules("added", std::string(kToHousing) + kToNursing);
  const CommandResult changed =
      Hubctl("rules diff " + old_ + " " + added + " --since 1h --config " + config_);
  EXPECT_EQ(changed.exit_code, 3) << changed.output;
  EXPECT_THAT(changed.output, HasSubstr("Replayed 2 records"));
  EXPECT_THAT(changed.output, HasSubstr("asc -> dn"));
  EXPECT_THAT(changed.output, HasSubstr("+ Home environment/Stairs"));

  const CommandResult same =
      Hubctl("rules diff " + old_ + " " + old_ + " --since 1h --config " + config_);
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_THAT(same.output, HasSubstr("No change"));

  const CommandResult json =
      Hubctl("rules diff " + old_ + " " + added + " --since 7d --format json --config " + config_);
  EXPECT_THAT(json.output, HasSubstr("\"recipient\":\"dn\",\"newly_shared\":2"));
}

TEST_F(HubctlRulesTest, DiffAgainstAnInvalidSetFailsWithItsErrors) {
  Journal(1);
  const std::string broken = Rules("broken", "  - id: x\n    from: [asc]\n");
  const CommandResult result =
      Hubctl("rules diff " + old_ + " " + broken + " --since 24h --config " + config_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr(broken + "/p.yaml:8:5"));
}

TEST_F(HubctlRulesTest, MistakenCommandLineExitsOne) {
  EXPECT_EQ(Hubctl("rules check --config " + config_).exit_code, 1);
  EXPECT_EQ(Hubctl("rules diff a b --config " + config_).exit_code, 1);  // no --since
  EXPECT_EQ(Hubctl("rules check " + old_ + " --config " + config_ + " --format xml").exit_code, 1);
}

}  // namespace
}  // namespace gallery::governance
