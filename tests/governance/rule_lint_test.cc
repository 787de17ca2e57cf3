#include "hub/governance/rule_lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "hub/router/rule_set.h"
#include "tests/governance/governance_test_util.h"

namespace gallery::governance {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Protocol;
using testing::TempDir;

// Loads `yaml` (and `catalogue`, when given) from a folder as `hubctl rules check` does, and
// lints it as of `today`.
class RuleLintTest : public ::testing::Test {
 protected:
  std::vector<Finding> Lint(const std::string& yaml, const std::string& catalogue = "",
                            const std::string& today = "2026-06-01", int soon_days = 30) {
    dir_ = std::make_unique<TempDir>();
    file_ = dir_->Write("p.yaml", yaml);
    const std::string catalogue_path = dir_->path() + "/catalogue.yaml";
    if (!catalogue.empty()) dir_->Write("catalogue.yaml", catalogue);
    auto set = router::RuleSet::LoadDirectory(dir_->path(), testing::TestAgencies());
    if (!set.ok()) {
      ADD_FAILURE() << set.status().message();
      return {};
    }
    std::vector<Finding> findings;
    Catalogue parsed;
    if (!catalogue.empty()) parsed = ParseCatalogue(catalogue, catalogue_path, findings);
    const RulePositions positions = RulePositions::Read((*set)->rules(), (*set)->protocols());
    const LintInput input{(*set)->rules(),
                          (*set)->protocols(),
                          (*set)->agencies(),
                          positions,
                          catalogue.empty() ? nullptr : &parsed,
                          catalogue_path};
    std::vector<Finding> lint = LintRules(input, {*ParseDate(today), soon_days});
    findings.insert(findings.end(), lint.begin(), lint.end());
    SortFindings(findings);
    return findings;
  }

  static std::vector<std::string> Codes(const std::vector<Finding>& findings) {
    std::vector<std::string> codes;
    for (const Finding& f : findings) codes.push_back(f.code);
    return codes;
  }

  static const Finding* Find(const std::vector<Finding>& findings, const std::string& code) {
    auto it = std::find_if(findings.begin(), findings.end(),
                           [&](const Finding& f) { return f.code == code; });
    return it == findings.end() ? nullptr : &*it;
  }

  std::unique_ptr<TempDir> dir_;
  std::string file_;
};

constexpr const char* kHomeToHousing = R"(  - id: home-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/postcode"]
)";

TEST_F(RuleLintTest, CompleteProtocolGetsOnlyTheNoCatalogueNote) {
  const auto findings = Lint(Protocol("p") + kHomeToHousing);
  ASSERT_EQ(Codes(findings), std::vector<std::string>{"no-catalogue"});
  EXPECT_EQ(findings[0].severity, Severity::kNote);
  EXPECT_EQ(FindingsExitCode(findings), 0);
}

TEST_F(RuleLintTest, RuleSendingOnlyToItsOwnSourceIsAnError) {
  const auto findings = Lint(Protocol("p") + R"(  - id: to-self
    from: [asc]
    types: [assessment.single]
    to: [kind:adult-social-care]
    include: ["*"]
)");
  const Finding* f = Find(findings, "sends-to-itself");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_THAT(f->message, HasSubstr("its only source, asc"));
  EXPECT_EQ(f->at.file, file_);
  EXPECT_EQ(f->at.line, 11);  // the rule's `to`
  EXPECT_EQ(FindingsExitCode(findings), 1);
}

TEST_F(RuleLintTest, RuleBetweenTwoAgenciesBothWaysCanShare) {
  const auto findings = Lint(Protocol("p") + R"(  - id: both-ways
    from: [asc, dn]
    types: [assessment.single]
    to: [asc, dn]
    include: ["*"]
)");
  EXPECT_THAT(Codes(findings), Not(Contains("sends-to-itself")));
}

TEST_F(RuleLintTest, RuleExcludingAllItIncludesIsAnErrorAtItsExclude) {
  const auto findings = Lint(Protocol("p") + R"(  - id: nothing-left
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["Finances/Income", "Finances"]
    exclude: ["Finances"]
)");
  const Finding* f = Find(findings, "everything-excluded");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->at.line, 13);
  EXPECT_EQ(f->at.column, 5);
}

TEST_F(RuleLintTest, RuleExcludingPartOfWhatItIncludesIsFine) {
  const auto findings = Lint(Protocol("p") + R"(  - id: most
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
    exclude: ["Finances"]
)");
  EXPECT_THAT(Codes(findings), Not(Contains("everything-excluded")));
}

TEST_F(RuleLintTest, RuleIncludingNothingSharesIdentifiersOnlyAndWarns) {
  const auto findings = Lint(Protocol("p") + R"(  - id: ids-only
    from: [asc]
    types: [assessment.single]
    to: [dn]
)");
  const Finding* f = Find(findings, "identifiers-only");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(FindingsExitCode(findings), 2);
  EXPECT_THAT(Codes(Lint(Protocol("p") + kHomeToHousing)), Not(Contains("identifiers-only")));
}

TEST_F(RuleLintTest, KindWithNoConfiguredAgencyNeverMatches) {
  const auto findings = Lint(Protocol("p") + R"(  - id: from-police
    from: [kind:police]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)");
  EXPECT_THAT(Codes(findings), Contains("no-configured-agency"));
}

TEST_F(RuleLintTest, ProtocolPastItsReviewDateIsAnErrorAtReviewBy) {
  const std::string yaml =
      "protocol: p\nversion: 1\nowners: [County]\napproved: 2025-01-01\n"
      "review_by: 2026-05-31\nlegal_basis: public task\nrules:\n" +
      std::string(kHomeToHousing);
  const auto findings = Lint(yaml, "", "2026-06-01");
  const Finding* f = Find(findings, "protocol-expired");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->at.line, 5);
  EXPECT_EQ(f->at.column, 1);
  // On the review day itself the protocol still holds.
  EXPECT_THAT(Codes(Lint(yaml, "", "2026-05-31")), Not(Contains("protocol-expired")));
}

TEST_F(RuleLintTest, ReviewDateWithinSoonDaysWarns) {
  const std::string yaml =
      "protocol: p\nversion: 1\nowners: [County]\napproved: 2025-01-01\n"
      "review_by: 2026-06-20\nlegal_basis: public task\nrules:\n" +
      std::string(kHomeToHousing);
  const auto findings = Lint(yaml, "", "2026-06-01");
  const Finding* f = Find(findings, "review-due-soon");
  ASSERT_NE(f, nullptr);
  EXPECT_THAT(f->message, HasSubstr("in 19 days"));
  EXPECT_THAT(Codes(Lint(yaml, "", "2026-06-01", 10)), Not(Contains("review-due-soon")));
}

TEST_F(RuleLintTest, MissingGovernanceDetailsEachWarn) {
  const auto findings = Lint("protocol: p\nversion: 1\nrules:\n" + std::string(kHomeToHousing));
  for (const char* code :
       {"missing-owners", "missing-approval", "missing-review-date", "missing-legal-basis"}) {
    const Finding* f = Find(findings, code);
    ASSERT_NE(f, nullptr) << code;
    EXPECT_EQ(f->severity, Severity::kWarning) << code;
  }
}

TEST_F(RuleLintTest, LegalBasisOnTheRuleIsEnough) {
  const auto findings = Lint(
      "protocol: p\nversion: 1\nowners: [C]\napproved: 2026-01-01\n"
      "review_by: 2027-01-01\nrules:\n" +
      std::string(kHomeToHousing) + "    legal_basis: Care Act 2014 s.9\n");
  EXPECT_THAT(Codes(findings), Not(Contains("missing-legal-basis")));
}

TEST_F(RuleLintTest, ConsentOverrideIsANoteQuotingItsJustification) {
  const auto findings = Lint(Protocol("p") + std::string(kHomeToHousing) +
                             "    consent: override\n"
                             "    justification: risk of serious harm\n");
  const Finding* f = Find(findings, "consent-override");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kNote);
  EXPECT_THAT(f->message, HasSubstr("risk of serious harm"));
  EXPECT_EQ(f->at.line, 13);
  EXPECT_EQ(FindingsExitCode(findings), 0);
}

TEST_F(RuleLintTest, RuleCoveredByABroaderRuleIsShadowedNamingIt) {
  const auto findings = Lint(Protocol("p") + R"(  - id: broad
    from: [kind:adult-social-care, dn]
    types: ["assessment.*"]
    to: [housing, gp-a]
    include: ["*"]
    labels: [mental-health]
  - id: narrow
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment/Stairs"]
)");
  const Finding* f = Find(findings, "shadowed");
  ASSERT_NE(f, nullptr);
  EXPECT_THAT(f->message, HasSubstr("rule 'narrow' adds nothing: rule 'broad' (" + file_ + ":8:"));
  EXPECT_EQ(f->at.line, 14);
}

TEST_F(RuleLintTest, RuleLettingThroughWhatTheOtherExcludesIsNotShadowed) {
  const auto findings = Lint(Protocol("p") + R"(  - id: broad
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["*"]
    exclude: ["Finances"]
  - id: money
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Finances/Income"]
)");
  EXPECT_THAT(Codes(findings), Not(Contains("shadowed")));
}

TEST_F(RuleLintTest, MorePermissiveConsentIsNotShadowedByAStricterRule) {
  const auto findings = Lint(Protocol("p") + R"(  - id: strict
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["*"]
    consent: required
  - id: lenient
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment"]
)");
  EXPECT_THAT(Codes(findings), Not(Contains("shadowed")));
}

TEST_F(RuleLintTest, IdenticalRulesReportOnlyTheLaterOne) {
  const auto findings = Lint(Protocol("p") + kHomeToHousing +
                             R"(  - id: again
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/postcode"]
)");
  const std::vector<std::string> codes = Codes(findings);
  ASSERT_EQ(std::count(codes.begin(), codes.end(), "shadowed"), 1);
  EXPECT_THAT(Find(findings, "shadowed")->message, HasSubstr("rule 'again' adds nothing"));
}

TEST_F(RuleLintTest, DifferentConsentModesForTheSameSharingWarnAndNameTheWinner) {
  const auto findings = Lint(Protocol("p") + R"(  - id: home
    from: [asc]
    types: [assessment.single]
    to: [housing, dn]
    include: ["Home environment"]
    consent: required
  - id: money
    from: [asc]
    types: ["assessment.*"]
    to: [housing]
    include: ["Finances"]
)");
  const Finding* f = Find(findings, "consent-conflict");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_THAT(f->message, HasSubstr("asc -> housing"));
  EXPECT_THAT(f->message, HasSubstr("'objection-respected' is in effect"));
}

TEST_F(RuleLintTest, DifferentConsentModesForDifferentRecipientsAreFine) {
  const auto findings = Lint(Protocol("p") + R"(  - id: home
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["Home environment"]
    consent: required
  - id: money
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Finances"]
)");
  EXPECT_THAT(Codes(findings), Not(Contains("consent-conflict")));
}

constexpr const char* kCatalogue = R"(catalogue:
  assessment.single:
    sections:
      Home environment: [Stairs, Heating]
      Finances: [Income]
    labels: [mental-health]
)";

TEST_F(RuleLintTest, CatalogueKnowsTheTypesFieldsAndLabelsOfACorrectRule) {
  const auto findings = Lint(
      Protocol("p") + std::string(kHomeToHousing) + "    labels: [mental-health]\n", kCatalogue);
  EXPECT_TRUE(findings.empty()) << findings[0].message;
}

TEST_F(RuleLintTest, CatalogueFlagsUnknownTypeAtItsItem) {
  const auto findings = Lint(Protocol("p") + R"(  - id: typo
    from: [asc]
    types: [assessment.single, assessment.singel]
    to: [housing]
    include: ["Home environment"]
)",
                             kCatalogue);
  const Finding* f = Find(findings, "unknown-record-type");
  ASSERT_NE(f, nullptr);
  EXPECT_THAT(f->message, HasSubstr("'assessment.singel'"));
  EXPECT_EQ(f->at.line, 10);
  EXPECT_EQ(f->at.column, 32);
}

TEST_F(RuleLintTest, CatalogueFlagsHeadingsAndFieldsNoCoveredTypeHasIgnoringCase) {
  const auto findings = Lint(Protocol("p") + R"(  - id: typo
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include:
      - "home ENVIRONMENT/stairs"
      - "Home enviroment"
    exclude: ["Finances/Outgoings"]
    labels: [substance-use]
)",
                             kCatalogue);
  std::vector<const Finding*> unknown;
  for (const Finding& f : findings) {
    if (f.code == "unknown-field") unknown.push_back(&f);
  }
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_THAT(unknown[0]->message, HasSubstr("include 'Home enviroment'"));
  EXPECT_EQ(unknown[0]->at.line, 14);
  EXPECT_THAT(unknown[1]->message, HasSubstr("exclude 'Finances/Outgoings'"));
  EXPECT_THAT(Codes(findings), Contains("unknown-label"));
}

TEST_F(RuleLintTest, MalformedCatalogueIsAnErrorWithPosition) {
  const auto findings =
      Lint(Protocol("p") + kHomeToHousing, "catalogue:\n  assessment.single:\n    section: {}\n");
  const Finding* f = Find(findings, "catalogue");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(f->at.line, 3);
  EXPECT_THAT(f->message, HasSubstr("unknown key 'section'"));
}

TEST(FindingTest, LoaderErrorsKeepTheirPositions) {
  const auto findings =
      FindingsFromLoaderErrors("/r/a:b.yaml:3:7: unknown agency 'x'\nno position here", "load");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].at.file, "/r/a:b.yaml");
  EXPECT_EQ(findings[0].at.line, 3);
  EXPECT_EQ(findings[0].at.column, 7);
  EXPECT_EQ(findings[0].message, "unknown agency 'x'");
  EXPECT_EQ(findings[1].message, "no position here");
}

TEST(FindingTest, TextLinesLookLikeACompilersAndEndWithASummary) {
  std::vector<Finding> findings = {{{"b.yaml", 2, 1}, Severity::kWarning, "w", "shadowed"},
                                   {{"a.yaml", 9, 3}, Severity::kError, "e", "sends-to-itself"}};
  SortFindings(findings);
  std::ostringstream out;
  PrintFindingsText(findings, out);
  EXPECT_EQ(out.str(),
            "a.yaml:9:3: error: e [sends-to-itself]\n"
            "b.yaml:2:1: warning: w [shadowed]\n"
            "1 error, 1 warning, 0 notes\n");
  EXPECT_EQ(FindingsExitCode(findings), 1);
}

}  // namespace
}  // namespace gallery::governance
