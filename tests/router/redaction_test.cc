// What a disclosed record carries: identifiers always, content only where permitted.
#include "hub/router/redaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::AddSection;
using test_util::DemoAgencies;
using test_util::MakeRecord;
using test_util::PathsOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A full record from adult social care, with every kind of field that must or must not
// travel.
v1::Record FullRecord() {
  v1::Record record = MakeRecord("asc-county", "assessment.single", "A81001");
  record.set_amends("asc-county:assessment.single:0");
  record.add_sensitivity_labels("care");
  record.mutable_occurred_at()->set_seconds(1700000000);
  record.mutable_recorded_at()->set_seconds(1700000100);
  record.mutable_received_at()->set_seconds(1700000200);
  v1::Subject& subject = *record.mutable_subject();
  v1::LocalIdentifier& local = *subject.add_local_ids();
  local.set_agency("asc-county");
  local.set_value("ASC-48213");
  v1::Demographics& d = *subject.mutable_demographics();
  d.set_given_name("Edith");
  d.set_family_name("Example");
  d.set_birth_date("1936-02-29");
  d.add_address_lines("1 Mill Lane");
  d.set_postcode("ZZ1 1ZZ");
  d.set_phone("01632 960000");  // gender deliberately left empty
  AddSection(record, "Personal care", {{"Washing", "needs help"}, {"Religion", "x"}});
  AddSection(record, "Home environment", {{"Stairs", "steep"}, {"Heating", "none"}});
  AddSection(record, "Finances", {{"Income", "pension"}});
  return record;
}

Disclosure RouteTo(const std::string& rule_body, const v1::Record& record) {
  auto set = RuleSet::LoadString(
      "protocol: t\nversion: 1\nrules:\n  - id: r\n"
      "    from: asc-county\n    types: assessment.single\n"
      "    to: dn-central\n    labels: [care]\n" +
          rule_body,
      "t.yaml", DemoAgencies());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  if (!set.ok()) return {};
  const Decision decision = (*set)->Route(record);
  EXPECT_EQ(decision.disclosures.size(), 1u);
  return decision.disclosures.empty() ? Disclosure{} : decision.disclosures[0];
}

TEST(RedactionTest, WithoutIncludeOnlyIdentifiersTravelAndEverythingElseIsListed) {
  const v1::Record record = FullRecord();
  const Disclosure d = RouteTo("", record);
  const v1::Record& out = d.redacted;
  EXPECT_EQ(out.record_id(), record.record_id());
  EXPECT_EQ(out.source_agency(), "asc-county");
  EXPECT_EQ(out.record_type(), "assessment.single");
  EXPECT_EQ(out.amends(), record.amends());
  EXPECT_THAT(out.sensitivity_labels(), ElementsAre("care"));
  EXPECT_EQ(out.occurred_at().seconds(), 1700000000);
  EXPECT_EQ(out.recorded_at().seconds(), 1700000100);
  EXPECT_EQ(out.received_at().seconds(), 1700000200);
  EXPECT_EQ(out.subject().nhs_number(), "9990000018");
  ASSERT_EQ(out.subject().local_ids_size(), 1);
  EXPECT_EQ(out.subject().local_ids(0).value(), "ASC-48213");
  EXPECT_EQ(out.subject().registered_gp_ods(), "A81001");
  EXPECT_FALSE(out.subject().has_demographics());
  EXPECT_EQ(out.sections_size(), 0);
  // Record order: non-empty demographics in schema order, then sections; a section withheld
  // whole is one "Heading/*" entry.
  EXPECT_THAT(d.withheld,
              ElementsAre("@subject/given_name", "@subject/family_name", "@subject/birth_date",
                          "@subject/address", "@subject/postcode", "@subject/phone",
                          "Personal care/*", "Home environment/*", "Finances/*"));
}

TEST(RedactionTest, IncludeEverythingWithExclusionsRemovesOnlyTheExcluded) {
  const Disclosure d =
      RouteTo("    include: [\"*\"]\n    exclude: [Finances, \"*/religion\", \"@subject/phone\"]\n",
              FullRecord());
  EXPECT_THAT(PathsOf(d.redacted),
              ElementsAre("@subject/given_name", "@subject/family_name", "@subject/birth_date",
                          "@subject/address", "@subject/postcode", "Personal care/Washing",
                          "Home environment/Stairs", "Home environment/Heating"));
  EXPECT_THAT(d.withheld,
              ElementsAre("@subject/phone", "Personal care/Religion", "Finances/*"));
  EXPECT_EQ(d.redacted.subject().demographics().address_lines(0), "1 Mill Lane");
  // Values travel unchanged.
  EXPECT_EQ(d.redacted.sections(0).fields(0).text(), "needs help");
}

TEST(RedactionTest, SectionsLeftEmptyAreDroppedAndHeadingsMatchIgnoringCase) {
  const Disclosure d =
      RouteTo("    include: [\"HOME ENVIRONMENT\", \"@subject/postcode\"]\n", FullRecord());
  ASSERT_EQ(d.redacted.sections_size(), 1);
  EXPECT_EQ(d.redacted.sections(0).heading(), "Home environment");  // the source's heading
  EXPECT_THAT(PathsOf(d.redacted), ElementsAre("@subject/postcode", "Home environment/Stairs",
                                               "Home environment/Heating"));
  EXPECT_EQ(d.redacted.subject().demographics().given_name(), "");
}

TEST(RedactionTest, ListItemsSkipsEmptyDemographicsAndKeepsSectionLabels) {
  v1::Record record = FullRecord();
  record.mutable_sections(1)->add_sensitivity_labels("housing");
  const std::vector<RecordItem> items = ListItems(record);
  ASSERT_EQ(items.size(), 11u);
  EXPECT_EQ(items[0].path, "@subject/given_name");
  EXPECT_EQ(items[0].section, -1);
  EXPECT_EQ(items[8].path, "Home environment/Stairs");
  EXPECT_EQ(items[8].section, 1);
  EXPECT_EQ(items[8].index, 0);
  ASSERT_NE(items[8].section_labels, nullptr);
  EXPECT_THAT(*items[8].section_labels, ElementsAre("housing"));
}

TEST(RedactionTest, RedactCopiesExactlyTheAllowedItems) {
  const v1::Record record = FullRecord();
  const std::vector<RecordItem> items = ListItems(record);
  std::vector<bool> allowed(items.size(), false);
  allowed[3] = true;  // @subject/address
  allowed[9] = true;  // Home environment/Heating
  std::vector<std::string> withheld;
  const v1::Record out = Redact(record, items, allowed, {}, withheld);
  EXPECT_THAT(PathsOf(out), ElementsAre("@subject/address", "Home environment/Heating"));
  // Home environment travels in part, so its withheld field is listed by name.
  EXPECT_THAT(withheld, ElementsAre("@subject/given_name", "@subject/family_name",
                                    "@subject/birth_date", "@subject/postcode", "@subject/phone",
                                    "Personal care/*", "Home environment/Stairs", "Finances/*"));
  EXPECT_EQ(out.sections(0).fields(0).text(), "none");
}

TEST(RedactionTest, RulePermitsNeedsIncludeNoExcludeAndEveryLabel) {
  Rule rule;
  rule.include.push_back(*CompilePathPattern("Mobility"));
  rule.exclude.push_back(*CompilePathPattern("Mobility/Falls"));
  rule.labels = {"mental-health"};
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  AddSection(record, "Mobility", {{"Walking", "k"}, {"Falls", "f"}, {"Mood", "m"}})
      .mutable_fields(2)
      ->add_sensitivity_labels("safeguarding");
  AddSection(record, "Carers", {{"Main carer", "c"}});
  const std::vector<RecordItem> items = ListItems(record);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_TRUE(RulePermits(rule, items[0]));
  EXPECT_FALSE(RulePermits(rule, items[1]));  // excluded
  EXPECT_FALSE(RulePermits(rule, items[2]));  // label not listed
  EXPECT_FALSE(RulePermits(rule, items[3]));  // not included
  rule.labels = {"mental-health", "safeguarding"};
  EXPECT_TRUE(RulePermits(rule, items[2]));
}

TEST(RedactionTest, ARecordWithoutContentStillDisclosesItsIdentifiers) {
  const Disclosure d =
      RouteTo("    include: [\"*\"]\n", MakeRecord("asc-county", "assessment.single"));
  EXPECT_THAT(d.withheld, IsEmpty());
  EXPECT_EQ(d.redacted.subject().nhs_number(), "9990000018");
  EXPECT_FALSE(d.redacted.has_occurred_at());
}

}  // namespace
}  // namespace gallery::router
