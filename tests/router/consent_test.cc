// Consent and review dates in decisions: each consent mode against each consent status,
// overrides recorded for audit, and protocols past their review date permitting nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::DemoAgencies;
using test_util::FakeSubjectState;
using test_util::MakeRecord;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One rule per consent mode, each to its own recipient.
constexpr char kProtocol[] = R"(protocol: cp
version: 1
purpose: safeguarding
legal_basis: Children Act 1989 s47
rules:
  - id: needs-consent
    from: asc-county
    types: assessment.single
    to: dn-central
    consent: required
    purpose: direct-care
  - id: respects-objection
    from: asc-county
    types: assessment.single
    to: housing-homesafe
  - id: overrides
    from: asc-county
    types: assessment.single
    to: hosp-general
    consent: override
    justification: Risk of significant harm outweighs the objection.
)";

std::shared_ptr<const RuleSet> Load(const std::string& yaml) {
  auto set = RuleSet::LoadString(yaml, "cp.yaml", DemoAgencies());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : nullptr;
}

std::vector<std::string> Recipients(const Decision& decision) {
  std::vector<std::string> out;
  for (const Disclosure& d : decision.disclosures) out.push_back(d.recipient);
  return out;
}

const Withholding* WithheldFrom(const Decision& decision, std::string_view agency) {
  for (const Withholding& w : decision.withholdings) {
    if (w.agency == agency) return &w;
  }
  return nullptr;
}

TEST(ConsentTest, RulesInheritTheProtocolsPurposeLegalBasisAndConsentMode) {
  auto set = Load(kProtocol);
  ASSERT_NE(set, nullptr);
  const std::vector<Rule>& rules = set->rules();
  EXPECT_EQ(rules[0].purpose, "direct-care");
  EXPECT_EQ(rules[1].purpose, "safeguarding");
  EXPECT_EQ(rules[1].legal_basis, "Children Act 1989 s47");
  EXPECT_EQ(rules[0].consent, ConsentMode::kRequired);
  EXPECT_EQ(rules[1].consent, ConsentMode::kObjectionRespected);
  EXPECT_EQ(rules[2].consent, ConsentMode::kOverride);
  EXPECT_EQ(rules[2].justification, "Risk of significant harm outweighs the objection.");
}

TEST(ConsentTest, WithNoDirectiveOnlyTheRuleRequiringConsentStops) {
  auto set = Load(kProtocol);
  FakeSubjectState state;
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("hosp-general", "housing-homesafe"));
  const Withholding* dn = WithheldFrom(decision, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_EQ(dn->kind, kConsentMissing);
  EXPECT_EQ(dn->reason,
            "rule needs-consent requires consent for direct-care under protocol cp, and none "
            "is recorded");
  // Each rule asks about its own protocol and purpose.
  EXPECT_THAT(state.asked(), ElementsAre("cp/direct-care", "cp/safeguarding", "cp/safeguarding"));
}

TEST(ConsentTest, ConsentGivenLetsEveryRuleShare) {
  auto set = Load(kProtocol);
  FakeSubjectState state;
  state.SetConsent("", ConsentStatus::kGiven, "consent-7");
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("dn-central", "hosp-general", "housing-homesafe"));
  EXPECT_THAT(decision.withholdings, IsEmpty());
}

TEST(ConsentTest, AnObjectionStopsAllButTheOverride) {
  auto set = Load(kProtocol);
  FakeSubjectState state;
  state.SetConsent("cp", ConsentStatus::kObjected, "objection-3");
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("hosp-general"));
  for (const char* agency : {"dn-central", "housing-homesafe"}) {
    const Withholding* w = WithheldFrom(decision, agency);
    ASSERT_NE(w, nullptr) << agency;
    EXPECT_EQ(w->kind, kObjection);
    EXPECT_THAT(w->reason, HasSubstr("the subject objected (consent record objection-3)"));
  }
  EXPECT_THAT(WithheldFrom(decision, "housing-homesafe")->reason,
              HasSubstr("which rule respects-objection respects"));
}

TEST(ConsentTest, WithdrawnConsentStopsLikeAnObjection) {
  auto set = Load(kProtocol);
  FakeSubjectState state;
  state.SetConsent("safeguarding", ConsentStatus::kWithdrawn, "withdrawal-1");
  state.SetConsent("direct-care", ConsentStatus::kWithdrawn, "withdrawal-1");
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("hosp-general"));
  const Withholding* dn = WithheldFrom(decision, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_EQ(dn->kind, kObjection);
  EXPECT_EQ(dn->reason,
            "the subject withdrew consent (consent record withdrawal-1), which rule "
            "needs-consent respects");
  EXPECT_EQ(WithheldFrom(decision, "housing-homesafe")->kind, kObjection);
}

TEST(ConsentTest, AnOverrideIsRecordedWithTheConsentItOverrode) {
  auto set = Load(kProtocol);
  FakeSubjectState state;
  state.SetConsent("cp", ConsentStatus::kObjected, "objection-3");
  const v1::Record record = MakeRecord("asc-county", "assessment.single");
  const Decision decision = set->Route(record, state);
  ASSERT_EQ(decision.disclosures.size(), 1u);
  const Disclosure& hospital = decision.disclosures[0];
  EXPECT_THAT(hospital.purposes, ElementsAre("safeguarding"));
  ASSERT_EQ(hospital.overrides.size(), 1u);
  EXPECT_EQ(hospital.overrides[0].rule_id, "overrides");
  EXPECT_EQ(hospital.overrides[0].consent, ConsentStatus::kObjected);
  EXPECT_EQ(hospital.overrides[0].consent_record_id, "objection-3");

  // The plan carries the same, for the hub to count and audit.
  RoutePlan plan;
  set->Plan(record, state, plan);
  ASSERT_EQ(plan.grants.size(), 1u);
  ASSERT_EQ(plan.grants[0].overrides.size(), 1u);
  EXPECT_EQ(plan.grants[0].overrides[0].consent, ConsentStatus::kObjected);

  // With consent given the override still permits, and is still recorded.
  FakeSubjectState given;
  given.SetConsent("", ConsentStatus::kGiven, "consent-7");
  const Decision with_consent = set->Route(record, given);
  const Disclosure* h = nullptr;
  for (const Disclosure& d : with_consent.disclosures) {
    if (d.recipient == "hosp-general") h = &d;
  }
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->overrides.size(), 1u);
  EXPECT_EQ(h->overrides[0].consent, ConsentStatus::kGiven);
  // Rules that do not override are not listed.
  EXPECT_THAT(with_consent.disclosures[0].overrides, IsEmpty());
}

TEST(ConsentTest, SeveralPermittingRulesGiveSortedUniquePurposes) {
  auto set = Load(R"(protocol: p
version: 1
rules:
  - id: b
    from: asc-county
    types: assessment.single
    to: dn-central
    purpose: safeguarding
  - id: a
    from: asc-county
    types: assessment.single
    to: dn-central
  - id: c
    from: asc-county
    types: assessment.single
    to: dn-central
    purpose: safeguarding
)");
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"));
  ASSERT_EQ(decision.disclosures.size(), 1u);
  EXPECT_THAT(decision.disclosures[0].rule_ids, ElementsAre("a", "b", "c"));
  EXPECT_THAT(decision.disclosures[0].purposes, ElementsAre("direct-care", "safeguarding"));
}

v1::Record ReceivedAt(const std::string& rfc3339) {
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  EXPECT_TRUE(google::protobuf::util::TimeUtil::FromString(rfc3339,
                                                          record.mutable_received_at()));
  return record;
}

TEST(ConsentTest, AProtocolPermitsThroughItsReviewDayAndNothingAfter) {
  auto set = Load(R"(protocol: old
version: 1
approved: 2025-01-15
review_by: 2026-01-15
rules:
  - id: old-rule
    from: asc-county
    types: assessment.single
    to: dn-central
    consent: override
    justification: Even overrides stop at the review date.
)");
  FakeSubjectState state;
  EXPECT_THAT(Recipients(set->Route(ReceivedAt("2026-01-15T23:59:59Z"), state)),
              ElementsAre("dn-central"));
  const Decision late = set->Route(ReceivedAt("2026-01-16T00:00:00Z"), state);
  EXPECT_THAT(late.disclosures, IsEmpty());
  const Withholding* dn = WithheldFrom(late, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_EQ(dn->kind, kProtocolExpired);
  EXPECT_EQ(dn->reason,
            "protocol old was due for review by 2026-01-15: rule old-rule permits nothing "
            "until it is renewed");
  // Expired rules are not asked about consent.
  EXPECT_EQ(state.asked().size(), 1u);
}

TEST(ConsentTest, WithoutReceivedAtTheDecisionTimeIsNow) {
  auto set = Load(R"(protocol: p
version: 1
review_by: 2001-01-01
rules:
  - id: r
    from: asc-county
    types: assessment.single
    to: dn-central
)");
  const Decision decision = set->Route(MakeRecord("asc-county", "assessment.single"));
  EXPECT_THAT(decision.disclosures, IsEmpty());
  ASSERT_EQ(decision.withholdings.size(), 1u);
  EXPECT_EQ(decision.withholdings[0].kind, kProtocolExpired);
}

}  // namespace
}  // namespace gallery::router
