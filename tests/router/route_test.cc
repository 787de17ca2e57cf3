// RuleSet::Route: who receives a record and who does not, and why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

std::shared_ptr<const RuleSet> Load(const std::string& rules,
                                    std::vector<Agency> agencies = DemoAgencies()) {
  auto set = RuleSet::LoadString("protocol: t\nversion: 1\nrules:\n" + rules, "t.yaml",
                                 std::move(agencies));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : nullptr;
}

// Lists a withholding for every agency but the source, as explaining a rule set does.
Decision RouteAll(const RuleSet& set, const v1::Record& record) {
  return set.Route(record, NoSubjectState(), PlanScope::kEveryAgency);
}

std::vector<std::string> Recipients(const Decision& decision) {
  std::vector<std::string> out;
  for (const Disclosure& d : decision.disclosures) out.push_back(d.recipient);
  return out;
}

std::vector<std::string> Withheld(const Decision& decision) {
  std::vector<std::string> out;
  for (const Withholding& w : decision.withholdings) out.push_back(w.agency + ": " + w.reason);
  return out;
}

const Disclosure* Find(const Decision& decision, std::string_view recipient) {
  for (const Disclosure& d : decision.disclosures) {
    if (d.recipient == recipient) return &d;
  }
  return nullptr;
}

TEST(RouteTest, WithNoRulesNobodyReceivesAnythingAndEveryOtherAgencyIsTold) {
  auto set = Load("  []\n");
  const Decision decision = RouteAll(*set, MakeRecord("hosp-general", "adt.discharge", "A81001"));
  EXPECT_THAT(decision.disclosures, IsEmpty());
  // Sorted by agency id; the source is not listed.
  EXPECT_THAT(Withheld(decision),
              ElementsAre("asc-county: no rule permits adt.discharge from hosp-general",
                          "dn-central: no rule permits adt.discharge from hosp-general",
                          "gp-hillview: no rule permits adt.discharge from hosp-general",
                          "gp-riverside: no rule permits adt.discharge from hosp-general",
                          "housing-homesafe: no rule permits adt.discharge from hosp-general"));
}

TEST(RouteTest, ARuleAppliesOnlyToItsSourcesAndTypes) {
  auto set = Load(R"(  - id: r
    from: [asc-county, "kind:hospital"]
    types: ["referral.*"]
    to: dn-central
)");
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "referral.request"))),
              ElementsAre("dn-central"));
  EXPECT_THAT(Recipients(set->Route(MakeRecord("hosp-general", "referral.urgent"))),
              ElementsAre("dn-central"));
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single"))), IsEmpty());
  EXPECT_THAT(Recipients(set->Route(MakeRecord("gp-riverside", "referral.request"))), IsEmpty());
  // A source the hub does not know matches no rule.
  EXPECT_THAT(Recipients(set->Route(MakeRecord("hosp-north", "referral.request"))), IsEmpty());
}

TEST(RouteTest, KindRecipientsAreEveryAgencyOfThatKindButNeverTheSource) {
  std::vector<Agency> agencies = DemoAgencies();
  agencies.push_back({"housing-north", "North Homes", "housing", ""});
  auto set = Load(R"(  - id: r
    from: "kind:housing"
    types: "*"
    to: ["kind:housing", "kind:community-health"]
)",
                  agencies);
  const Decision decision = RouteAll(*set, MakeRecord("housing-north", "plan.repair"));
  EXPECT_THAT(Recipients(decision), ElementsAre("dn-central", "housing-homesafe"));
  for (const Withholding& w : decision.withholdings) EXPECT_NE(w.agency, "housing-north");
  EXPECT_EQ(decision.withholdings.size(), 4u);
}

TEST(RouteTest, RegisteredGpIsThePracticeWithTheSubjectsOdsCode) {
  auto set = Load(R"(  - id: to-gp
    from: asc-county
    types: assessment.single
    to: relationship:registered-gp
)");
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single", "A81001"))),
              ElementsAre("gp-riverside"));
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single", "A81002"))),
              ElementsAre("gp-hillview"));
  // Sources do not always upper-case the code.
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single", "a81002"))),
              ElementsAre("gp-hillview"));
  // Unknown or absent registration: no practice at all, rather than every practice.
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single", "B99999"))),
              IsEmpty());
  const Decision none = RouteAll(*set, MakeRecord("asc-county", "assessment.single", ""));
  EXPECT_THAT(Recipients(none), IsEmpty());
  EXPECT_THAT(Withheld(none),
              ::testing::Contains("gp-riverside: no relationship: not the subject's registered "
                                  "GP practice (rule to-gp)"));
  EXPECT_THAT(Withheld(RouteAll(*set, MakeRecord("asc-county", "assessment.single", "A81002"))),
              ::testing::Contains("gp-riverside: no relationship: not the subject's registered "
                                  "GP practice (rule to-gp)"));
}

TEST(RouteTest, RegisteredGpNeedsAGpPracticeNotJustAMatchingOdsCode) {
  std::vector<Agency> agencies = DemoAgencies();
  agencies[5].ods_code = "RXX01";  // the hospital has an ODS code too
  auto set = Load(R"(  - id: to-gp
    from: asc-county
    types: assessment.single
    to: relationship:registered-gp
)",
                  agencies);
  EXPECT_THAT(Recipients(set->Route(MakeRecord("asc-county", "assessment.single", "RXX01"))),
              IsEmpty());
}

TEST(RouteTest, ThePracticeNeverReceivesItsOwnRecordAsRegisteredGp) {
  auto set = Load(R"(  - id: gp-to-gp
    from: "kind:gp-practice"
    types: referral.request
    to: [relationship:registered-gp, dn-central]
)");
  const Decision decision = set->Route(MakeRecord("gp-riverside", "referral.request", "A81001"));
  EXPECT_THAT(Recipients(decision), ElementsAre("dn-central"));
}

TEST(RouteTest, RecordLabelsMustAllBeListedByTheRule) {
  auto set = Load(R"(  - id: plain
    from: asc-county
    types: assessment.single
    to: [dn-central, housing-homesafe]
  - id: mh
    from: asc-county
    types: assessment.single
    to: dn-central
    labels: [mental-health]
)");
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  record.add_sensitivity_labels("mental-health");
  Decision decision = set->Route(record);
  ASSERT_THAT(Recipients(decision), ElementsAre("dn-central"));
  EXPECT_THAT(decision.disclosures[0].rule_ids, ElementsAre("mh"));
  EXPECT_THAT(Withheld(decision),
              ::testing::Contains("housing-homesafe: label 'mental-health' not permitted by "
                                  "rule plain"));
  // A second label that no rule lists stops both.
  record.add_sensitivity_labels("safeguarding");
  decision = set->Route(record);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  EXPECT_THAT(Withheld(decision),
              ::testing::Contains("dn-central: label 'mental-health' not permitted by rule "
                                  "plain"));
  // Labels travel with what is disclosed.
  record.mutable_sensitivity_labels()->RemoveLast();
  decision = set->Route(record);
  ASSERT_EQ(decision.disclosures.size(), 1u);
  EXPECT_THAT(decision.disclosures[0].redacted.sensitivity_labels(), ElementsAre("mental-health"));
}

TEST(RouteTest, SeveralRulesGiveTheUnionOfTheirPathsAndAllTheirIds) {
  auto set = Load(R"(  - id: z-mobility
    from: asc-county
    types: assessment.single
    to: dn-central
    include: [Mobility]
  - id: a-care
    from: asc-county
    types: assessment.single
    to: "kind:community-health"
    include: ["Personal care", "Mobility/Falls"]
    exclude: ["Mobility/Falls", "*/Religion"]
  - id: m-other
    from: asc-county
    types: assessment.single
    to: housing-homesafe
    include: ["*"]
)");
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  AddSection(record, "Personal care", {{"Washing", "w"}, {"Religion", "r"}});
  AddSection(record, "Mobility", {{"Falls", "f"}, {"Walking", "k"}});
  AddSection(record, "Finances", {{"Income", "i"}});
  const Decision decision = set->Route(record);
  const Disclosure* dn = Find(decision, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_THAT(dn->rule_ids, ElementsAre("a-care", "z-mobility"));
  // Falls: excluded by a-care but included by z-mobility, which does not exclude it.
  EXPECT_THAT(PathsOf(dn->redacted),
              ElementsAre("Personal care/Washing", "Mobility/Falls", "Mobility/Walking"));
  EXPECT_THAT(dn->withheld, ElementsAre("Personal care/Religion", "Finances/*"));
}

TEST(RouteTest, SectionAndFieldLabelsWithholdOnlyWhatTheyMark) {
  auto set = Load(R"(  - id: all
    from: asc-county
    types: assessment.single
    to: dn-central
    include: ["*"]
  - id: all-mh
    from: asc-county
    types: assessment.single
    to: gp-riverside
    include: ["*"]
    labels: [mental-health]
)");
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  AddSection(record, "Health conditions", {{"Diabetes", "d"}, {"Depression", "x"}})
      .mutable_fields(1)
      ->add_sensitivity_labels("mental-health");
  AddSection(record, "Mental health", {{"Assessment", "a"}, {"Plan", "p"}})
      .add_sensitivity_labels("mental-health");
  AddSection(record, "Mobility", {{"Walking", "k"}});
  const Decision decision = set->Route(record);
  const Disclosure* dn = Find(decision, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_THAT(PathsOf(dn->redacted), ElementsAre("Health conditions/Diabetes", "Mobility/Walking"));
  EXPECT_THAT(dn->withheld, ElementsAre("Health conditions/Depression", "Mental health/*"));
  const Disclosure* gp = Find(decision, "gp-riverside");
  ASSERT_NE(gp, nullptr);
  EXPECT_THAT(gp->withheld, IsEmpty());
  ASSERT_EQ(gp->redacted.sections_size(), 3);
  EXPECT_THAT(gp->redacted.sections(1).sensitivity_labels(), ElementsAre("mental-health"));
}

TEST(RouteTest, DisclosuresAndWithholdingsCoverEveryOtherAgencyOnce) {
  auto set = Load(R"(  - id: a
    from: hosp-general
    types: adt.discharge
    to: [dn-central, asc-county, "kind:adult-social-care", relationship:registered-gp]
)");
  const Decision decision = RouteAll(*set, MakeRecord("hosp-general", "adt.discharge", "A81002"));
  EXPECT_THAT(Recipients(decision), ElementsAre("asc-county", "dn-central", "gp-hillview"));
  EXPECT_THAT(decision.disclosures[0].rule_ids, ElementsAre("a"));
  EXPECT_EQ(decision.withholdings.size(), 2u);
  // In the hub's scope nobody else was considered: the other practice and housing go unlisted.
  EXPECT_THAT(Withheld(set->Route(MakeRecord("hosp-general", "adt.discharge", "A81002"))),
              IsEmpty());
}

}  // namespace
}  // namespace gallery::router
