// The worked example of routing-rules/README.md ("Who else is involved") on the demo region's
// protocols and agencies: the district nurse learns that adult social care and the housing
// association are involved with an older person, and how to reach them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/config/hub_config.h"
#include "hub/involvement/involvement.h"
#include "hub/registry/registry.h"
#include "tests/registry/registry_test_util.h"

namespace gallery::involvement {
namespace {

using registry::testing::MakeRecord;
using registry::testing::Micros;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DemoInvolvementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = config::LoadHubConfig(std::string(GALLERY_SOURCE_DIR) + "/deploy/demo/hub.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto rules = router::RuleSet::LoadDirectory(std::string(GALLERY_SOURCE_DIR) + "/routing-rules",
                                                config->agencies);
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = *rules;
    registry_ = std::make_unique<registry::Registry>(config->agencies);
    // Edith: registered at Riverside, on the district nurses' and social care's caseloads,
    // a HomeSafe tenant.
    for (const v1::Record& record :
         {MakeRecord("reg", "gp-riverside", "relationship.registration"),
          MakeRecord("dn", "dn-central", "relationship.allocation"),
          MakeRecord("asc", "asc-county", "relationship.allocation"),
          MakeRecord("tenancy", "housing-homesafe", "relationship.tenancy")}) {
      (void)registry_->Learn(record);
    }
  }

  Answer Ask(std::string_view asker) const {
    return Decide(*rules_, registry_->History("9434765919"), asker, "direct-care",
                  Micros("2027-01-15"));
  }

  std::shared_ptr<const router::RuleSet> rules_;
  std::unique_ptr<registry::Registry> registry_;
};

std::vector<std::string> Ids(const Answer& answer) {
  std::vector<std::string> ids;
  for (const Disclosed& d : answer.disclosed) ids.push_back(d.agency.id);
  return ids;
}

TEST_F(DemoInvolvementTest, DistrictNurseLearnsOfAdultSocialCareAndTheHousingAssociation) {
  const Answer answer = Ask("dn-central");
  ASSERT_EQ(answer.outcome, Outcome::kAnswered) << answer.reason;
  EXPECT_THAT(Ids(answer), ElementsAre("asc-county", "housing-homesafe"));
  EXPECT_THAT(answer.disclosed[0].agency.contact, HasSubstr("duty desk"));
  EXPECT_THAT(answer.disclosed[1].agency.contact, HasSubstr("Tenancy support"));
  EXPECT_THAT(answer.rule_ids, ElementsAre("sap-involvement-to-district-nursing"));
}

TEST_F(DemoInvolvementTest, OnlyThePersonsOwnPracticeMayAsk) {
  EXPECT_THAT(Ids(Ask("gp-riverside")),
              ElementsAre("asc-county", "dn-central", "housing-homesafe"));
  EXPECT_EQ(Ask("gp-hillview").outcome, Outcome::kNoRelationship);
}

TEST_F(DemoInvolvementTest, AnObjectionToTheProtocolHidesEveryInvolvement) {
  (void)registry_->Learn(MakeRecord("obj", "asc-county", "consent.directive",
                                    {{"Status", "objected"},
                                     {"Protocol", "single-assessment-older-people"}}));
  const Answer answer = Ask("dn-central");
  ASSERT_EQ(answer.outcome, Outcome::kAnswered) << answer.reason;
  EXPECT_TRUE(answer.disclosed.empty());
}

}  // namespace
}  // namespace gallery::involvement
