// Heading translation: a recipient reads the source's sections under its own headings, in
// the built copy (Route) and in the bytes the hub journals (AppendRedacted), while audit
// keeps the source's headings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hub/router/redacted_encoder.h"
#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::AddSection;
using test_util::DemoAgencies;
using test_util::MakeRecord;
using ::testing::ElementsAre;

constexpr char kProtocol[] = R"(protocol: cwd
version: 1
headings:
  - to: [dn-central, "kind:housing"]
    from: [asc-county]
    rename:
      "Communication": "Speech, language and communication"
  - to: hosp-general
    rename:
      "communication": "Comms"
      "Mobility": "Moving about"
rules:
  - id: all
    from: [asc-county, dn-central]
    types: assessment.single
    to: [dn-central, housing-homesafe, hosp-general, gp-riverside, asc-county]
    include: ["*"]
    exclude: ["Communication/Private"]
)";

std::vector<std::string> Headings(const v1::Record& record) {
  std::vector<std::string> out;
  for (const v1::Section& section : record.sections()) out.push_back(section.heading());
  return out;
}

v1::Record Assessment(const std::string& source) {
  v1::Record record = MakeRecord(source, "assessment.single");
  AddSection(record, "COMMUNICATION", {{"Speech", "single words"}, {"Private", "x"}});
  AddSection(record, "Mobility", {{"Walking", "frame"}});
  return record;
}

class HeadingTranslationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto set = RuleSet::LoadString(kProtocol, "cwd.yaml", DemoAgencies());
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    rules_ = *set;
  }
  std::shared_ptr<const RuleSet> rules_;
};

TEST_F(HeadingTranslationTest, EachRecipientReadsItsOwnHeadingsAndAuditKeepsTheSources) {
  const Decision decision = rules_->Route(Assessment("asc-county"));
  ASSERT_EQ(decision.disclosures.size(), 4u);
  std::vector<std::string> seen;
  for (const Disclosure& d : decision.disclosures) {
    seen.push_back(d.recipient + ": " + Headings(d.redacted)[0] + " | " +
                   Headings(d.redacted)[1]);
    EXPECT_THAT(d.withheld, ElementsAre("COMMUNICATION/Private")) << d.recipient;
  }
  EXPECT_THAT(seen, ElementsAre("dn-central: Speech, language and communication | Mobility",
                                "gp-riverside: COMMUNICATION | Mobility",
                                "hosp-general: Comms | Moving about",
                                "housing-homesafe: Speech, language and communication | Mobility"));
}

TEST_F(HeadingTranslationTest, ATranslationForOneSourceLeavesOtherSourcesAlone) {
  const Decision decision = rules_->Route(Assessment("dn-central"));
  for (const Disclosure& d : decision.disclosures) {
    const std::string expected = d.recipient == "hosp-general" ? "Comms" : "COMMUNICATION";
    EXPECT_EQ(Headings(d.redacted)[0], expected) << d.recipient;
  }
}

TEST_F(HeadingTranslationTest, RecipientsWithTheSameItemsButOtherHeadingsGetTheirOwnView) {
  const v1::Record record = Assessment("asc-county");
  const RoutePlan plan = rules_->Plan(record);
  ASSERT_EQ(plan.grants.size(), 4u);
  // dn-central and housing share one view; gp-riverside and hosp-general one each.
  EXPECT_EQ(plan.views.size(), 3u);
  EXPECT_EQ(plan.grants[0].view, plan.grants[3].view);
  EXPECT_NE(plan.grants[0].view, plan.grants[1].view);
  EXPECT_NE(plan.grants[1].view, plan.grants[2].view);
  EXPECT_NE(plan.grants[0].view, plan.grants[2].view);
}

TEST_F(HeadingTranslationTest, TheJournaledBytesCarryTheRecipientsHeadings) {
  const v1::Record record = Assessment("asc-county");
  const RoutePlan plan = rules_->Plan(record);
  const Decision decision = rules_->Route(record);
  for (size_t g = 0; g < plan.grants.size(); ++g) {
    const View& view = plan.views[plan.grants[g].view];
    std::string bytes;
    AppendRedacted(record, plan.items, view.allowed, view.headings, bytes);
    EXPECT_EQ(bytes, decision.disclosures[g].redacted.SerializeAsString());
    v1::Record parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    EXPECT_EQ(Headings(parsed), Headings(decision.disclosures[g].redacted));
    if (plan.grants[g].recipient == "hosp-general") {
      EXPECT_THAT(Headings(parsed), ElementsAre("Comms", "Moving about"));
      ASSERT_EQ(parsed.sections(0).fields_size(), 1);
      EXPECT_EQ(parsed.sections(0).fields(0).text(), "single words");
    }
  }
}

TEST(HeadingTranslationEncoderTest, ALongRenamedHeadingGivesTheMessagesBytes) {
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  AddSection(record, "A", {{"f", "v"}});
  AddSection(record, "B", {{"g", "w"}});
  const auto items = ListItems(record);
  const std::vector<bool> all(items.size(), true);
  const std::string long_heading(200, 'h');  // a length needing two varint bytes
  const SectionHeadings headings = {&long_heading, nullptr};
  std::string bytes;
  AppendRedacted(record, items, all, headings, bytes);
  std::vector<std::string> withheld;
  EXPECT_EQ(bytes, Redact(record, items, all, headings, withheld).SerializeAsString());
  v1::Record parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_THAT(Headings(parsed), ElementsAre(long_heading, "B"));
}

}  // namespace
}  // namespace gallery::router
