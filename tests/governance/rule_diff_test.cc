#include "hub/governance/rule_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/governance/governance_test_util.h"

namespace gallery::governance {
namespace {

using testing::Assessment;
using ::testing::ElementsAre;
using ::testing::Pair;
using testing::Protocol;

constexpr const char* kToHousing = R"(  - id: to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/postcode"]
)";
constexpr const char* kToCare = R"(  - id: to-care
    from: [asc]
    types: [assessment.single]
    to: [dn, housing]
    include: ["*"]
)";

std::shared_ptr<const router::RuleSet> Rules(const std::string& rules) {
  auto set = router::RuleSet::LoadString(Protocol("p") + rules, "p.yaml", testing::TestAgencies());
  EXPECT_TRUE(set.ok()) << set.status().message();
  return set.ok() ? *set : nullptr;
}

std::vector<store::ReceivedRecord> Received(int count) {
  std::vector<store::ReceivedRecord> records(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    records[static_cast<size_t>(i)].payload =
        Assessment("r" + std::to_string(i)).SerializeAsString();
  }
  return records;
}

RuleDiff Diff(const std::string& before, const std::string& after,
              const std::vector<store::ReceivedRecord>& records) {
  const auto old_rules = Rules(before);
  const auto new_rules = Rules(after);
  if (old_rules == nullptr || new_rules == nullptr) return {};
  return DiffRuleSets(*old_rules, *new_rules, records, router::NoSubjectState());
}

TEST(RuleDiffTest, SameRulesChangeNothing) {
  const RuleDiff diff = Diff(kToHousing, kToHousing, Received(3));
  EXPECT_EQ(diff.replayed, 3u);
  EXPECT_FALSE(diff.changed());
}

TEST(RuleDiffTest, AddedRuleNewlySharesEveryPathWithItsRecipients) {
  const RuleDiff diff = Diff(kToHousing, std::string(kToHousing) + kToCare, Received(2));
  ASSERT_EQ(diff.pairs.size(), 2u);
  const PairChange& dn = diff.pairs[0];
  EXPECT_EQ(dn.source, "asc");
  EXPECT_EQ(dn.recipient, "dn");
  EXPECT_EQ(dn.newly_shared, 2u);
  EXPECT_EQ(dn.no_longer_shared, 0u);
  EXPECT_THAT(dn.newly_disclosed,
              ElementsAre(Pair("@subject/postcode", 2u), Pair("Finances/Income", 2u),
                          Pair("Home environment/Stairs", 2u)));
  // Housing already received the record; it now also receives the finances.
  const PairChange& housing = diff.pairs[1];
  EXPECT_EQ(housing.recipient, "housing");
  EXPECT_EQ(housing.newly_shared, 0u);
  EXPECT_THAT(housing.newly_disclosed, ElementsAre(Pair("Finances/Income", 2u)));
  EXPECT_TRUE(housing.no_longer_disclosed.empty());
}

TEST(RuleDiffTest, RemovedFieldStopsDisclosingOnlyThatPath) {
  const std::string without_postcode = R"(  - id: to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment"]
)";
  const RuleDiff diff = Diff(kToHousing, without_postcode, Received(4));
  ASSERT_EQ(diff.pairs.size(), 1u);
  EXPECT_EQ(diff.pairs[0].recipient, "housing");
  EXPECT_EQ(diff.pairs[0].newly_shared + diff.pairs[0].no_longer_shared, 0u);
  EXPECT_THAT(diff.pairs[0].no_longer_disclosed, ElementsAre(Pair("@subject/postcode", 4u)));
  EXPECT_TRUE(diff.pairs[0].newly_disclosed.empty());
}

TEST(RuleDiffTest, NarrowedRecipientsNoLongerShareWithTheOneDropped) {
  const std::string dn_only = R"(  - id: to-care
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";
  const RuleDiff diff = Diff(kToCare, dn_only, Received(3));
  ASSERT_EQ(diff.pairs.size(), 1u);
  EXPECT_EQ(diff.pairs[0].recipient, "housing");
  EXPECT_EQ(diff.pairs[0].no_longer_shared, 3u);
  EXPECT_EQ(diff.pairs[0].no_longer_disclosed.at("Finances/Income"), 3u);
}

TEST(RuleDiffTest, PurgedPayloadsAreSkippedAndCounted) {
  std::vector<store::ReceivedRecord> records = Received(3);
  records[1].payload.clear();
  const RuleDiff diff = Diff(kToHousing, kToCare, records);
  EXPECT_EQ(diff.replayed, 2u);
  EXPECT_EQ(diff.purged, 1u);
  EXPECT_EQ(diff.pairs[0].newly_shared, 2u);
}

TEST(RuleDiffTest, DurationsTakeSecondsMinutesHoursAndDays) {
  EXPECT_EQ(ParseDuration("30m"), std::chrono::seconds(1800));
  EXPECT_EQ(ParseDuration("24h"), std::chrono::seconds(86400));
  EXPECT_EQ(ParseDuration("7d"), std::chrono::seconds(7 * 86400));
  EXPECT_EQ(ParseDuration("7"), std::nullopt);
  EXPECT_EQ(ParseDuration("0d"), std::nullopt);
  EXPECT_EQ(ParseDuration("-1h"), std::nullopt);
  EXPECT_EQ(ParseDuration("1w"), std::nullopt);
}

}  // namespace
}  // namespace gallery::governance
