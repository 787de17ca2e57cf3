// Loading rule language v2: protocol metadata, purposes, consent modes, review dates and
// heading translations, and every error with its exact file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hub/router/rule_loader.h"
#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::DemoAgencies;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Line numbers in the tests below refer to this document.
constexpr char kGood[] = R"(protocol: child-protection
version: 3
description: Section 47 enquiries.
owners: [County Council Children's Services, General Hospital NHS Trust]
approved: 2024-02-29
review_by: 2999-01-15
purpose: safeguarding
legal_basis: Children Act 1989 s47
consent: objection-respected
headings:
  - to: [dn-central, "kind:housing"]
    from: [asc-county]
    rename:
      "Communication": "Speech, language and communication"
rules:
  - id: cp-strategy
    from: asc-county
    types: assessment.single
    to: [dn-central, relationship:allocated-worker, relationship:any-agency-with-relationship]
    consent: override
    justification: Risk of significant harm.
  - id: cp-plan
    from: asc-county
    types: assessment.single
    to: dn-central
    purpose: direct-care
    legal_basis: Consent of the family.
    consent: required
)";

std::string With(std::string_view from, std::string_view to) {
  return test_util::With(kGood, from, to);
}
std::string ErrorOf(std::string_view yaml) { return test_util::LoadErrors(yaml, "cp.yaml"); }

TEST(ProtocolLoaderTest, CompilesAV2Protocol) {
  auto set = RuleSet::LoadString(kGood, "cp.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->protocols().size(), 1u);
  const Protocol& protocol = (*set)->protocols()[0];
  EXPECT_EQ(protocol.name, "child-protection");
  EXPECT_EQ(protocol.version, 3);
  EXPECT_EQ(protocol.description, "Section 47 enquiries.");
  EXPECT_THAT(protocol.owners, ElementsAre("County Council Children's Services",
                                           "General Hospital NHS Trust"));
  EXPECT_EQ(protocol.approved, "2024-02-29");
  EXPECT_EQ(protocol.review_by, "2999-01-15");
  // Midnight UTC after 2999-01-15.
  EXPECT_EQ(protocol.expires_at_us, int64_t{32473440000} * 1'000'000);
  EXPECT_EQ(protocol.purpose, "safeguarding");
  EXPECT_EQ(protocol.consent, ConsentMode::kObjectionRespected);
  EXPECT_EQ(protocol.defined_at.line, 1);
  ASSERT_EQ(protocol.headings.size(), 1u);
  EXPECT_EQ(protocol.headings[0].to.size(), 2u);
  EXPECT_EQ(protocol.headings[0].from[0].value, "asc-county");
  EXPECT_EQ(protocol.headings[0].rename[0].second, "Speech, language and communication");
  EXPECT_EQ(protocol.headings[0].defined_at.line, 11);

  const std::vector<Rule>& rules = (*set)->rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].protocol_index, 0u);
  EXPECT_EQ(rules[0].purpose, "safeguarding");
  EXPECT_EQ(rules[0].legal_basis, "Children Act 1989 s47");
  EXPECT_EQ(rules[0].consent, ConsentMode::kOverride);
  EXPECT_EQ(rules[0].justification, "Risk of significant harm.");
  EXPECT_EQ(rules[0].to[1].ToString(), "relationship:allocated-worker");
  EXPECT_EQ(rules[1].purpose, "direct-care");
  EXPECT_EQ(rules[1].legal_basis, "Consent of the family.");
  EXPECT_EQ(rules[1].consent, ConsentMode::kRequired);
}

TEST(ProtocolLoaderTest, AV1ProtocolGetsTheDefaults) {
  auto set = RuleSet::LoadString(
      "protocol: p\nversion: 1\nrules:\n  - id: r\n    from: asc-county\n"
      "    types: assessment.single\n    to: dn-central\n",
      "p.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Protocol& protocol = (*set)->protocols()[0];
  EXPECT_EQ(protocol.expires_at_us, INT64_MAX);
  EXPECT_TRUE(protocol.headings.empty());
  const Rule& rule = (*set)->rules()[0];
  EXPECT_EQ(rule.purpose, "direct-care");
  EXPECT_EQ(rule.consent, ConsentMode::kObjectionRespected);
  EXPECT_TRUE(rule.legal_basis.empty());
}

TEST(ProtocolLoaderTest, PurposesAndConsentModesMustBeFromTheVocabulary) {
  EXPECT_EQ(ErrorOf(With("purpose: safeguarding", "purpose: research")),
            "cp.yaml:7:10: unknown purpose 'research' (expected one of: direct-care, "
            "safeguarding, service-planning)");
  EXPECT_EQ(ErrorOf(With("purpose: direct-care", "purpose: care")),
            "cp.yaml:26:14: unknown purpose 'care' (expected one of: direct-care, "
            "safeguarding, service-planning)");
  EXPECT_EQ(ErrorOf(With("consent: required", "consent: implied")),
            "cp.yaml:28:14: unknown consent mode 'implied' (expected one of: required, "
            "objection-respected, override)");
  EXPECT_EQ(ErrorOf(With("consent: objection-respected", "consent: [required]")),
            "cp.yaml:9:10: 'consent' must be a single value");
}

TEST(ProtocolLoaderTest, AnOverrideNeedsAJustification) {
  EXPECT_EQ(ErrorOf(With("    justification: Risk of significant harm.\n", "")),
            "cp.yaml:20:14: consent 'override' needs a 'justification': rule 'cp-strategy' "
            "shares whatever the subject's consent says, and audit must say why");
  EXPECT_EQ(ErrorOf(With("consent: objection-respected", "consent: override")),
            "cp.yaml:9:10: consent 'override' needs a 'justification': the protocol shares "
            "whatever the subject's consent says, and audit must say why");
  // The protocol's justification covers its rules.
  auto set = RuleSet::LoadString(
      With("consent: objection-respected", "consent: override\njustification: Statutory duty."),
      "cp.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->rules()[1].consent, ConsentMode::kRequired);
  EXPECT_EQ((*set)->rules()[1].justification, "Statutory duty.");
}

TEST(ProtocolLoaderTest, DatesMustBeRealAndInOrder) {
  EXPECT_EQ(ErrorOf(With("approved: 2024-02-29", "approved: 2023-02-29")),
            "cp.yaml:5:11: 'approved' must be a real date written YYYY-MM-DD, not "
            "'2023-02-29'");
  EXPECT_EQ(ErrorOf(With("review_by: 2999-01-15", "review_by: 15/01/2999")),
            "cp.yaml:6:12: 'review_by' must be a real date written YYYY-MM-DD, not "
            "'15/01/2999'");
  EXPECT_EQ(ErrorOf(With("review_by: 2999-01-15", "review_by: 2024-02-28")),
            "cp.yaml:5:11: 'approved' (2024-02-29) is after 'review_by' (2024-02-28)");
}

TEST(ProtocolLoaderTest, HeadingTranslationsNameAgenciesAndKindsOnly) {
  EXPECT_EQ(ErrorOf(With("to: [dn-central, \"kind:housing\"]", "to: [dn-nowhere]")),
            "cp.yaml:11:10: unknown agency 'dn-nowhere' (not in the hub config; use "
            "kind:<kind> for every agency of a kind)");
  EXPECT_EQ(ErrorOf(With("from: [asc-county]", "from: [\"kind:school\"]")),
            "cp.yaml:12:12: unknown agency kind 'school' (expected one of: gp-practice, "
            "hospital, community-health, mental-health, adult-social-care, "
            "childrens-social-care, housing, police, education, voluntary)");
  EXPECT_EQ(ErrorOf(With("to: [dn-central, \"kind:housing\"]", "to: relationship:registered-gp")),
            "cp.yaml:11:9: 'relationship:registered-gp': heading translations name agencies "
            "and kinds, not relationships");
  EXPECT_EQ(ErrorOf(With("    rename:\n      \"Communication\": \"Speech, language and "
                         "communication\"\n",
                         "")),
            "cp.yaml:11:5: heading translation is missing required key 'rename'");
  EXPECT_EQ(ErrorOf(With("    from: [asc-county]", "    form: [asc-county]")),
            "cp.yaml:12:5: unknown key 'form' (expected: to, from, rename)");
}

TEST(ProtocolLoaderTest, TwoTranslationsOfOneHeadingForTheSameRecipientAndSourceConflict) {
  // Overlapping by kind (housing-homesafe) and by source (any source covers asc-county);
  // the heading matches ignoring case.
  const std::string second =
      "  - to: housing-homesafe\n    rename:\n      \"COMMUNICATION\": \"Communication\"\n";
  EXPECT_EQ(ErrorOf(With("rules:\n", second + "rules:\n")),
            "cp.yaml:17:7: heading 'COMMUNICATION' is renamed 'Communication' here but "
            "'Speech, language and communication' at cp.yaml:14:7 for the same recipient and "
            "source");
  // The same target, or recipients that do not overlap, are fine.
  const std::string same =
      "  - to: housing-homesafe\n    rename:\n      \"communication\": \"Speech, language and "
      "communication\"\n";
  EXPECT_TRUE(RuleSet::LoadString(With("rules:\n", same + "rules:\n"), "cp.yaml", DemoAgencies())
                  .ok());
  const std::string elsewhere =
      "  - to: hosp-general\n    rename:\n      \"Communication\": \"Comms\"\n";
  EXPECT_TRUE(
      RuleSet::LoadString(With("rules:\n", elsewhere + "rules:\n"), "cp.yaml", DemoAgencies())
          .ok());
  // Nor does a translation for another source only.
  const std::string other_source =
      "  - to: dn-central\n    from: hosp-general\n    rename:\n      \"Communication\": "
      "\"Comms\"\n";
  EXPECT_TRUE(
      RuleSet::LoadString(With("rules:\n", other_source + "rules:\n"), "cp.yaml", DemoAgencies())
          .ok());
}

TEST(ProtocolLoaderTest, ConflictingTranslationsInDifferentFilesNameTheFirst) {
  const std::string other =
      "protocol: other\nversion: 1\nheadings:\n  - to: dn-central\n    rename:\n"
      "      Communication: Talking\nrules: []\n";
  const std::vector<Agency> agencies = DemoAgencies();
  RuleLoader two(agencies);
  two.AddDocument(kGood, "a.yaml");
  two.AddDocument(other, "b.yaml");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.Errors(),
            "b.yaml:6:7: heading 'Communication' is renamed 'Talking' here but 'Speech, "
            "language and communication' at a.yaml:14:7 for the same recipient and source");
}

}  // namespace
}  // namespace gallery::router
