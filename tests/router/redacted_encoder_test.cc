// The hub journals redactions serialized straight from the record (AppendRedacted) and
// shares one per distinct view (RuleSet::Plan); both must match the message-built copies.
#include "hub/router/redacted_encoder.h"

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::AddSection;
using test_util::DemoAgencies;
using test_util::MakeRecord;
using ::testing::ElementsAre;

// Every kind of content: all demographics, labels at each level, timestamps, coded and
// dated values, an empty address line, and a section without fields.
v1::Record RichRecord() {
  v1::Record record = MakeRecord("asc-county", "assessment.single", "A81001");
  record.set_amends("asc-county:assessment.single:0");
  record.add_sensitivity_labels("care");
  record.add_sensitivity_labels("");
  record.mutable_occurred_at()->set_seconds(1700000000);
  record.mutable_recorded_at()->set_nanos(5);
  record.mutable_received_at()->set_seconds(1700000200);
  v1::Subject& subject = *record.mutable_subject();
  for (const char* value : {"ASC-48213", "ASC-1"}) {
    v1::LocalIdentifier& local = *subject.add_local_ids();
    local.set_agency("asc-county");
    local.set_value(value);
  }
  v1::Demographics& d = *subject.mutable_demographics();
  d.set_given_name("Edith");
  d.set_family_name("Example");
  d.set_birth_date("1936-02-29");
  d.set_gender("female");
  d.add_address_lines("1 Mill Lane");
  d.add_address_lines("");
  d.set_postcode("ZZ1 1ZZ");
  d.set_phone("01632 960000");
  AddSection(record, "Personal care", {{"Washing", "needs help"}, {"Religion", "x"}})
      .add_sensitivity_labels("care");
  v1::Section& home = AddSection(record, "Home environment", {{"Stairs", "steep"}});
  v1::Field& coded = *home.add_fields();
  coded.set_name("Heating");
  coded.mutable_coded()->set_system("http://snomed.info/sct");
  coded.mutable_coded()->set_code("1234");
  coded.add_sensitivity_labels("housing");
  v1::Field& date = *home.add_fields();
  date.set_name("Visited");
  date.set_date("2024-01-31");
  AddSection(record, "Empty", {});
  v1::Field& long_text = *AddSection(record, "Notes", {{"Internal", ""}}).mutable_fields(0);
  long_text.set_text(std::string(300, 'n'));  // a length that takes two varint bytes
  return record;
}

std::string ByMessage(const v1::Record& record, const std::vector<RecordItem>& items,
                      const std::vector<bool>& allowed, const SectionHeadings& headings = {}) {
  std::vector<std::string> withheld;
  return Redact(record, items, allowed, headings, withheld).SerializeAsString();
}

std::string ByEncoder(const v1::Record& record, const std::vector<RecordItem>& items,
                      const std::vector<bool>& allowed, const SectionHeadings& headings = {}) {
  std::string out = "prefix";  // appended, not overwritten
  AppendRedacted(record, items, allowed, headings, out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  return out.substr(6);
}

TEST(RedactedEncoderTest, NothingAllowedGivesTheIdentifiersOnly) {
  const v1::Record record = RichRecord();
  const auto items = ListItems(record);
  const std::vector<bool> none(items.size(), false);
  EXPECT_EQ(ByEncoder(record, items, none), ByMessage(record, items, none));
}

TEST(RedactedEncoderTest, EverythingAllowedGivesTheWholeRecord) {
  const v1::Record record = RichRecord();
  const auto items = ListItems(record);
  const std::vector<bool> all(items.size(), true);
  EXPECT_EQ(ByEncoder(record, items, all), ByMessage(record, items, all));
  v1::Record parsed;
  ASSERT_TRUE(parsed.ParseFromString(ByEncoder(record, items, all)));
  EXPECT_EQ(parsed.sections_size(), 3);  // the section without fields is not carried
}

TEST(RedactedEncoderTest, EveryMixOfAllowedItemsGivesTheSameBytesAsTheMessage) {
  const v1::Record record = RichRecord();
  const auto items = ListItems(record);
  std::mt19937 random(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<bool> allowed(items.size());
    for (size_t i = 0; i < items.size(); ++i) allowed[i] = (random() & 1) != 0;
    ASSERT_EQ(ByEncoder(record, items, allowed), ByMessage(record, items, allowed))
        << "round " << round;
  }
}

TEST(RedactedEncoderTest, ARecordWithoutSubjectOrTimestampsEncodesAlike) {
  v1::Record record;
  record.set_record_id("x:1");
  AddSection(record, "Mobility", {{"Walking", "with a frame"}});
  const auto items = ListItems(record);
  for (bool allow : {false, true}) {
    const std::vector<bool> allowed(items.size(), allow);
    EXPECT_EQ(ByEncoder(record, items, allowed), ByMessage(record, items, allowed));
  }
}

TEST(RoutePlanTest, RecipientsAllowedTheSameItemsShareOneView) {
  auto set = RuleSet::LoadString(
      "protocol: t\nversion: 1\nrules:\n"
      "  - id: wide\n    from: asc-county\n    types: assessment.single\n"
      "    to: [dn-central, hosp-general]\n    labels: [care, housing]\n"
      "    include: [\"*\"]\n    exclude: [Notes/Internal]\n"
      "  - id: narrow\n    from: asc-county\n    types: assessment.single\n"
      "    to: gp-riverside\n    labels: [care]\n    include: [Personal care]\n",
      "t.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  v1::Record record = RichRecord();
  record.mutable_sensitivity_labels()->RemoveLast();  // "", which no rule lists
  const RoutePlan plan = (*set)->Plan(record);
  ASSERT_EQ(plan.grants.size(), 3u);
  EXPECT_EQ(plan.views.size(), 2u);
  EXPECT_EQ(plan.grants[0].recipient, "dn-central");
  EXPECT_EQ(plan.grants[1].recipient, "gp-riverside");
  EXPECT_EQ(plan.grants[2].recipient, "hosp-general");
  EXPECT_EQ(plan.grants[0].view, plan.grants[2].view);
  EXPECT_NE(plan.grants[0].view, plan.grants[1].view);
  EXPECT_THAT(plan.views[plan.grants[0].view].withheld, ElementsAre("Notes/*"));

  // Route gives the same decision, with the copies built.
  const Decision decision = (*set)->Route(record);
  ASSERT_EQ(decision.disclosures.size(), 3u);
  EXPECT_EQ(decision.withholdings.size(), plan.withholdings.size());
  for (size_t g = 0; g < plan.grants.size(); ++g) {
    const Disclosure& disclosure = decision.disclosures[g];
    const View& view = plan.views[plan.grants[g].view];
    EXPECT_EQ(disclosure.recipient, plan.grants[g].recipient);
    EXPECT_EQ(disclosure.rule_ids, plan.grants[g].rule_ids);
    EXPECT_EQ(disclosure.withheld, view.withheld);
    std::string bytes;
    AppendRedacted(record, plan.items, view.allowed, view.headings, bytes);
    EXPECT_EQ(bytes, disclosure.redacted.SerializeAsString());
  }
}

}  // namespace
}  // namespace gallery::router
