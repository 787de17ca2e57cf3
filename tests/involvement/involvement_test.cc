// The involvement decision over a real registry and rule set: every filter, one test each.
#include "hub/involvement/involvement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/registry/registry.h"
#include "tests/involvement/involvement_test_util.h"
#include "tests/registry/registry_test_util.h"

namespace gallery::involvement {
namespace {

using registry::testing::MakeRecord;
using registry::testing::Micros;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kNhsNumber = "9434765919";  // MakeRecord's subject

std::vector<std::string> DisclosedIds(const Answer& answer) {
  std::vector<std::string> ids;
  for (const Disclosed& d : answer.disclosed) ids.push_back(d.agency.id);
  return ids;
}

std::vector<std::string> WithheldKinds(const Answer& answer) {
  std::vector<std::string> out;
  for (const Withheld& w : answer.withheld) out.push_back(w.agency + ":" + w.kind);
  return out;
}

class InvolvementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = router::RuleSet::LoadString(testing::kProtocol, "who-else.yaml",
                                             testing::TestAgencies());
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    rules_ = *rules;
  }

  // The person: registered with Riverside, allocated to district nursing and adult social
  // care, a tenant of HomeSafe.
  void LearnOlderPerson() {
    Learn(MakeRecord("reg", "gp-riverside", "relationship.registration", {{"Date", "2025-04-01"}}));
    Learn(MakeRecord("dn", "dn-central", "relationship.allocation", {{"Date", "2026-01-02"}}));
    Learn(MakeRecord("asc", "asc-county", "relationship.allocation", {{"Date", "2025-11-20"}}));
    Learn(MakeRecord("tenancy", "housing-homesafe", "relationship.tenancy",
                     {{"Date", "2024-06-01"}}));
  }

  void Learn(const v1::Record& record) { (void)registry_.Learn(record); }

  Answer Ask(std::string_view asker, std::string_view purpose = "direct-care",
             int64_t now_us = Micros("2026-06-01")) const {
    return Decide(*rules_, registry_.History(kNhsNumber), asker, purpose, now_us);
  }

  std::shared_ptr<const router::RuleSet> rules_;
  registry::Registry registry_{testing::TestAgencies()};
};

TEST_F(InvolvementTest, DistrictNurseLearnsSocialCareAndHousingWithContactAndSince) {
  LearnOlderPerson();
  const Answer answer = Ask("dn-central");
  ASSERT_EQ(answer.outcome, Outcome::kAnswered) << answer.reason;
  EXPECT_TRUE(answer.asker_related);
  EXPECT_THAT(answer.rule_ids, ElementsAre("dn-learns-care-and-housing"));
  EXPECT_THAT(DisclosedIds(answer), ElementsAre("asc-county", "housing-homesafe"));
  EXPECT_EQ(answer.disclosed[0].agency.contact, "0300 123 4000");
  EXPECT_EQ(answer.disclosed[0].agency.kind, "adult-social-care");
  EXPECT_EQ(answer.disclosed[0].since_us, Micros("2025-11-20"));
  EXPECT_EQ(answer.disclosed[1].since_us, Micros("2024-06-01"));
  EXPECT_THAT(answer.disclosed[1].rule_ids, ElementsAre("dn-learns-care-and-housing"));
  // The practice is involved too, but no rule tells district nurses so; never the asker.
  EXPECT_THAT(WithheldKinds(answer), ElementsAre("gp-riverside:no-rule"));
}

TEST_F(InvolvementTest, GpPracticeCannotLearnAboutAnotherPracticesPatient) {
  LearnOlderPerson();
  const Answer other = Ask("gp-hillside");
  EXPECT_EQ(other.outcome, Outcome::kNoRelationship);
  EXPECT_EQ(other.status().code(), Code::kPermissionDenied);
  EXPECT_THAT(other.disclosed, IsEmpty());
  EXPECT_THAT(other.withheld, IsEmpty());
  EXPECT_FALSE(other.asker_related);
  // Its own patient's: answered.
  const Answer own = Ask("gp-riverside");
  ASSERT_EQ(own.outcome, Outcome::kAnswered) << own.reason;
  EXPECT_THAT(DisclosedIds(own), ElementsAre("asc-county", "dn-central"));
}

TEST_F(InvolvementTest, PatientWhoMovedPracticeIsNoLongerTheOldPracticesToAskAbout) {
  LearnOlderPerson();
  Learn(MakeRecord("reg2", "gp-hillside", "relationship.registration", {{"Date", "2026-03-01"}}));
  EXPECT_EQ(Ask("gp-riverside").outcome, Outcome::kNoRelationship);
  EXPECT_EQ(Ask("gp-hillside").outcome, Outcome::kAnswered);
}

TEST_F(InvolvementTest, EndedRelationshipDisappears) {
  LearnOlderPerson();
  Learn(MakeRecord("asc-end", "asc-county", "relationship.allocation",
                   {{"Status", "ended"}, {"End", "2026-02-01"}}));
  const Answer answer = Ask("dn-central");
  ASSERT_EQ(answer.outcome, Outcome::kAnswered) << answer.reason;
  EXPECT_THAT(DisclosedIds(answer), ElementsAre("housing-homesafe"));
  EXPECT_THAT(WithheldKinds(answer), ElementsAre("gp-riverside:no-rule"));
}

TEST_F(InvolvementTest, RetractedRelationshipDisappears) {
  LearnOlderPerson();
  v1::Record retraction = MakeRecord("tenancy-x", "housing-homesafe", "relationship.tenancy");
  retraction.set_retracts("tenancy");
  Learn(retraction);
  EXPECT_THAT(DisclosedIds(Ask("dn-central")), ElementsAre("asc-county"));
}

TEST_F(InvolvementTest, ObjectionUnderObjectionRespectedHidesInvolvement) {
  LearnOlderPerson();
  Learn(MakeRecord("obj", "asc-county", "consent.directive",
                   {{"Status", "objected"}, {"Protocol", "who-else"}}));
  const Answer answer = Ask("dn-central");
  ASSERT_EQ(answer.outcome, Outcome::kAnswered) << answer.reason;
  EXPECT_THAT(answer.disclosed, IsEmpty());
  EXPECT_THAT(WithheldKinds(answer), ElementsAre("asc-county:objection", "gp-riverside:no-rule",
                                                 "housing-homesafe:objection"));
  EXPECT_THAT(answer.withheld[0].reason, ::testing::HasSubstr("record obj"));
  // Safeguarding under its override rule still learns of them.
  EXPECT_THAT(DisclosedIds(Ask("csc-county", "safeguarding")),
              ElementsAre("asc-county", "dn-central", "gp-riverside", "housing-homesafe"));
}

TEST_F(InvolvementTest, ConsentGivenAgainRestoresTheAnswer) {
  LearnOlderPerson();
  Learn(MakeRecord("obj", "asc-county", "consent.directive",
                   {{"Status", "objected"}, {"Date", "2026-01-05"}}));
  Learn(MakeRecord("ok", "asc-county", "consent.directive",
                   {{"Status", "given"}, {"Date", "2026-02-05"}}));
  EXPECT_THAT(DisclosedIds(Ask("dn-central")), ElementsAre("asc-county", "housing-homesafe"));
}

TEST_F(InvolvementTest, PurposeNoRuleAllowsIsRefused) {
  LearnOlderPerson();
  const Answer answer = Ask("dn-central", "service-planning");
  EXPECT_EQ(answer.outcome, Outcome::kPurposeNotAllowed);
  EXPECT_EQ(answer.status().code(), Code::kPermissionDenied);
  EXPECT_THAT(answer.reason, ::testing::HasSubstr("service-planning"));
  EXPECT_THAT(answer.disclosed, IsEmpty());
  // Safeguarding is children's social care's purpose here, not the district nurses'.
  EXPECT_EQ(Ask("dn-central", "safeguarding").outcome, Outcome::kPurposeNotAllowed);
  EXPECT_EQ(Ask("dn-central", "gossip").outcome, Outcome::kInvalid);
}

TEST_F(InvolvementTest, NoRelationshipIsRefusedUnlessARuleAllowsAskingWithoutOne) {
  LearnOlderPerson();
  // The hospital has a rule but no relationship with this person.
  const Answer hospital = Ask("hosp-general");
  EXPECT_EQ(hospital.outcome, Outcome::kNoRelationship);
  EXPECT_THAT(hospital.reason, ::testing::HasSubstr("no relationship"));
  // Children's social care has none either, but its safeguarding rule needs none.
  const Answer csc = Ask("csc-county", "safeguarding");
  ASSERT_EQ(csc.outcome, Outcome::kAnswered) << csc.reason;
  EXPECT_FALSE(csc.asker_related);
  EXPECT_THAT(csc.rule_ids, ElementsAre("csc-safeguarding"));
  EXPECT_EQ(Ask("csc-county", "direct-care").outcome, Outcome::kPurposeNotAllowed);
}

TEST_F(InvolvementTest, UnknownPersonIsRefusedLikeOneWithoutRelationship) {
  const Answer answer = Ask("dn-central");
  EXPECT_EQ(answer.outcome, Outcome::kNoRelationship);
  const Answer csc = Ask("csc-county", "safeguarding");
  EXPECT_EQ(csc.outcome, Outcome::kAnswered);
  EXPECT_THAT(csc.disclosed, IsEmpty());
}

TEST_F(InvolvementTest, ProtocolPastReviewDateAnswersNothing) {
  LearnOlderPerson();
  auto expired = router::RuleSet::LoadString(
      std::string(testing::kProtocol).replace(
          std::string(testing::kProtocol).find("2099-12-31"), 10, "2026-03-31"),
      "who-else.yaml", testing::TestAgencies());
  ASSERT_TRUE(expired.ok()) << expired.status().message();
  const Answer answer = Decide(**expired, registry_.History(kNhsNumber), "dn-central",
                               "direct-care", Micros("2026-06-01"));
  EXPECT_EQ(answer.outcome, Outcome::kPurposeNotAllowed);
}

TEST(QuerySubjectKeyTest, NhsNumberValidatedLocalIdsAreTheAskers) {
  v1::InvolvementQuery query;
  query.set_nhs_number("943 476 5919");
  auto key = QuerySubjectKey("dn-central", query);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "9434765919");
  query.set_nhs_number("9434765918");
  key = QuerySubjectKey("dn-central", query);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(key.status().message().find("9434765918"), std::string::npos);
  query.set_local_id("P-1234");
  key = QuerySubjectKey("dn-central", query);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "local:dn-central:P-1234");
  EXPECT_FALSE(QuerySubjectKey("dn-central", v1::InvolvementQuery()).ok());
}

}  // namespace
}  // namespace gallery::involvement
