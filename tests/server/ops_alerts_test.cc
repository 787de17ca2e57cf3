#include "hub/server/ops_alerts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Names(const std::vector<OpsAlert>& alerts) {
  std::vector<std::string> names;
  for (const auto& alert : alerts) names.push_back(alert.name + "/" + alert.agency);
  return names;
}

TEST(OpsAlertsTest, NothingToSayWhenAllIsWell) {
  AlertFacts facts;
  facts.backlogs.push_back({"dn", 3, 10});  // waiting, but not for long
  facts.dead_letters.push_back({"dn", 0});
  facts.disconnected.push_back({"gp", 60});
  EXPECT_THAT(EvaluateAlerts(facts, AlertThresholds{}), IsEmpty());
}

TEST(OpsAlertsTest, RecipientStalledOnceItsOldestDeliveryPassesTheThreshold) {
  AlertFacts facts;
  facts.backlogs.push_back({"dn", 3, 4.9});
  facts.backlogs.push_back({"gp", 0, 100});  // nothing pending: not stalled
  const AlertThresholds thresholds{5, 900};
  EXPECT_THAT(EvaluateAlerts(facts, thresholds), IsEmpty());
  facts.backlogs[0].oldest_age_s = 5;
  const auto alerts = EvaluateAlerts(facts, thresholds);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].name, "GalleryRecipientStalled");
  EXPECT_EQ(alerts[0].severity, "warning");
  EXPECT_EQ(alerts[0].agency, "dn");
  EXPECT_THAT(alerts[0].summary, HasSubstr("dn has 3 deliveries waiting, the oldest for 5 s"));
}

TEST(OpsAlertsTest, RecentEventsAlertForFifteenMinutes) {
  AlertFacts facts;
  facts.consent_overrides.push_back({"police", "safeguarding-override", 899});
  facts.consent_overrides.push_back({"dn", "old-override", 900});
  facts.seconds_since_reload_refused = 30;
  EXPECT_THAT(Names(EvaluateAlerts(facts, AlertThresholds{})),
              ElementsAre("GalleryConsentOverrideUsed/police", "GalleryRuleReloadRefused/"));
  facts.seconds_since_reload_refused = 901;
  EXPECT_THAT(Names(EvaluateAlerts(facts, AlertThresholds{})),
              ElementsAre("GalleryConsentOverrideUsed/police"));
}

TEST(OpsAlertsTest, InvolvementRefusedForWantOfARelationshipAlertsForFifteenMinutes) {
  AlertFacts facts;
  facts.involvement_refusals.push_back({"gp-hillview", 30});
  facts.involvement_refusals.push_back({"dn", 901});
  const auto alerts = EvaluateAlerts(facts, AlertThresholds{});
  EXPECT_THAT(Names(alerts), ElementsAre("GalleryInvolvementRefused/gp-hillview"));
  EXPECT_EQ(alerts[0].severity, "warning");
  EXPECT_THAT(alerts[0].summary, HasSubstr("no relationship"));
}

TEST(OpsAlertsTest, EveryConditionMostSevereFirst) {
  AlertFacts facts;
  facts.disconnected.push_back({"housing", 1000});
  facts.dead_letters.push_back({"dn", 2});
  facts.protocols_past_review.push_back("falls-prevention");
  facts.audit_chain_intact = false;
  const auto alerts = EvaluateAlerts(facts, AlertThresholds{900, 900});
  EXPECT_THAT(Names(alerts), ElementsAre("GalleryAuditChainBroken/", "GalleryProtocolPastReview/",
                                         "GalleryDeadLetters/dn",
                                         "GalleryAgencyDisconnected/housing"));
  EXPECT_EQ(alerts[0].severity, "critical");
  EXPECT_EQ(alerts[3].severity, "info");
  EXPECT_THAT(alerts[3].summary, HasSubstr("housing has been disconnected for 16 min"));
}

}  // namespace
}  // namespace gallery::server
