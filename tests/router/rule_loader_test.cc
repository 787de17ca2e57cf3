// Loading rule files: what a good protocol compiles to, and every load error with its
// exact file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::DemoAgencies;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Line numbers in the tests below refer to this document.
constexpr char kGood[] = R"(protocol: test-protocol
version: 2
description: A protocol for tests.
rules:
  - id: sap.to-gp
    description: GP sees it all.
    from: [asc-county, "kind:community-health"]
    types: [assessment.single, "referral.*"]
    to: ["relationship:registered-gp", dn-central, "kind:housing"]
    include: ["*"]
    exclude: ["Finances", "*/Religion", "@subject/phone"]
    labels: [safeguarding, mental-health]
  - id: minimal
    from: hosp-general
    types: adt.discharge
    to: asc-county
)";

std::string With(std::string_view from, std::string_view to) {
  return test_util::With(kGood, from, to);
}
std::string ErrorOf(std::string_view yaml) { return test_util::LoadErrors(yaml, "t.yaml"); }

TEST(RuleLoaderTest, CompilesAGoodProtocol) {
  auto set = RuleSet::LoadString(kGood, "t.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const std::vector<Rule>& rules = (*set)->rules();
  ASSERT_EQ(rules.size(), 2u);
  const Rule& rule = rules[0];
  EXPECT_EQ(rule.id, "sap.to-gp");
  EXPECT_EQ(rule.protocol, "test-protocol");
  EXPECT_EQ(rule.protocol_version, 2);
  EXPECT_EQ(rule.description, "GP sees it all.");
  EXPECT_EQ(rule.defined_at.file, "t.yaml");
  EXPECT_EQ(rule.defined_at.line, 5);
  EXPECT_EQ(rule.defined_at.column, 9);
  ASSERT_EQ(rule.from.size(), 2u);
  EXPECT_EQ(rule.from[0].type, Party::Type::kAgency);
  EXPECT_EQ(rule.from[1].type, Party::Type::kKind);
  EXPECT_EQ(rule.from[1].ToString(), "kind:community-health");
  ASSERT_EQ(rule.types.size(), 2u);
  EXPECT_EQ(rule.types[1].pattern(), "referral.*");
  ASSERT_EQ(rule.to.size(), 3u);
  EXPECT_EQ(rule.to[0].type, Party::Type::kRelationship);
  EXPECT_EQ(rule.to[0].ToString(), "relationship:registered-gp");
  EXPECT_EQ(rule.to[1].ToString(), "dn-central");
  EXPECT_EQ(rule.to[2].ToString(), "kind:housing");
  ASSERT_EQ(rule.include.size(), 1u);
  ASSERT_EQ(rule.exclude.size(), 3u);
  EXPECT_EQ(rule.exclude[0].written, "Finances");
  EXPECT_THAT(rule.labels, ElementsAre("mental-health", "safeguarding"));  // sorted
  // A single value stands for a one-item list; include defaults to nothing.
  EXPECT_EQ(rules[1].from.size(), 1u);
  EXPECT_TRUE(rules[1].include.empty());
  EXPECT_EQ((*set)->agencies().size(), 6u);
  EXPECT_EQ((*set)->content_hash().size(), 64u);
}

TEST(RuleLoaderTest, SyntaxErrorsHavePositions) {
  EXPECT_THAT(ErrorOf("protocol: x\nrules: [\n"), HasSubstr("t.yaml:3:1: "));
  EXPECT_EQ(ErrorOf(""),
            "t.yaml:1:1: expected a protocol: a map with keys protocol, version, description, "
            "rules");
}

TEST(RuleLoaderTest, UnknownKeysAreRejectedWithTheExpectedOnes) {
  EXPECT_EQ(ErrorOf(With("    labels:", "    label:")),
            "t.yaml:12:5: unknown key 'label' (expected: id, description, from, types, to, "
            "include, exclude, labels, purpose, legal_basis, consent, justification)");
  EXPECT_EQ(ErrorOf(With("version: 2", "version: 2\nowner: ig-team")),
            "t.yaml:3:1: unknown key 'owner' (expected: protocol, version, description, owners, "
            "approved, review_by, purpose, legal_basis, consent, justification, headings, "
            "rules, involvement, involvement_alerts)");
  EXPECT_EQ(ErrorOf(With("    to: asc-county\n", "    to: asc-county\n    to: dn-central\n")),
            "t.yaml:17:5: duplicate key 'to' (first on line 16)");
}

TEST(RuleLoaderTest, MissingRequiredKeysAreReported) {
  EXPECT_EQ(ErrorOf(With("protocol: test-protocol\n", "")),
            "t.yaml:1:1: protocol file is missing required key 'protocol'");
  EXPECT_EQ(ErrorOf(With("version: 2\n", "")),
            "t.yaml:1:1: protocol file is missing required key 'version'");
  EXPECT_EQ(ErrorOf("protocol: p\nversion: 1\n"),
            "t.yaml:1:1: protocol file is missing required key 'rules'");
  EXPECT_EQ(ErrorOf(With("    to: asc-county\n", "")),
            "t.yaml:13:5: rule 'minimal' is missing required key 'to'");
  EXPECT_EQ(ErrorOf(With("    types: adt.discharge\n", "")),
            "t.yaml:13:5: rule 'minimal' is missing required key 'types'");
  EXPECT_EQ(ErrorOf(With("  - id: minimal\n    from: hosp-general\n", "  - from: hosp-general\n")),
            "t.yaml:13:5: rule is missing required key 'id'");
}

TEST(RuleLoaderTest, IdsProtocolNamesAndVersionsAreChecked) {
  EXPECT_EQ(ErrorOf(With("id: minimal", "id: Minimal")),
            "t.yaml:13:9: rule id 'Minimal' must start with a lower case letter or digit and "
            "use only those, '-' and '.'");
  EXPECT_EQ(ErrorOf(With("id: minimal", "id: -minimal")),
            "t.yaml:13:9: rule id '-minimal' must start with a lower case letter or digit and "
            "use only those, '-' and '.'");
  EXPECT_EQ(ErrorOf(With("protocol: test-protocol", "protocol: Test_Protocol")),
            "t.yaml:1:11: protocol name 'Test_Protocol' must be lower case letters, digits and "
            "hyphens");
  EXPECT_EQ(ErrorOf(With("version: 2", "version: 0")),
            "t.yaml:2:10: 'version' must be a positive whole number");
  EXPECT_EQ(ErrorOf(With("version: 2", "version: 1.5")),
            "t.yaml:2:10: 'version' must be a positive whole number");
}

TEST(RuleLoaderTest, DuplicateRuleIdsNameWhereTheyWereFirstDefined) {
  EXPECT_EQ(ErrorOf(With("id: minimal", "id: sap.to-gp")),
            "t.yaml:13:9: duplicate rule id 'sap.to-gp' (first defined at t.yaml:5:9)");
}

TEST(RuleLoaderTest, UnknownAgenciesKindsAndRelationshipsAreRejected) {
  EXPECT_EQ(ErrorOf(With("from: hosp-general", "from: hosp-north")),
            "t.yaml:14:11: unknown agency 'hosp-north' (not in the hub config; use "
            "kind:<kind> for every agency of a kind)");
  EXPECT_EQ(ErrorOf(With("\"kind:housing\"", "\"kind:housing-association\"")),
            "t.yaml:9:52: unknown agency kind 'housing-association' (expected one of: "
            "gp-practice, hospital, community-health, mental-health, adult-social-care, "
            "childrens-social-care, housing, police, education, voluntary)");
  EXPECT_EQ(ErrorOf(With("relationship:registered-gp", "relationship:next-of-kin")),
            "t.yaml:9:10: unknown relationship 'next-of-kin' (expected one of: "
            "relationship:registered-gp, relationship:allocated-worker, "
            "relationship:any-agency-with-relationship)");
  EXPECT_EQ(ErrorOf(With("from: hosp-general", "from: relationship:registered-gp")),
            "t.yaml:14:11: 'relationship:registered-gp': relationships can only be used in "
            "'to'");
}

TEST(RuleLoaderTest, RecordTypeAndPathPatternsAreChecked) {
  EXPECT_THAT(ErrorOf(With("types: adt.discharge", "types: ADT-discharge")),
              HasSubstr("t.yaml:15:12: record type pattern 'ADT-discharge' must look like "
                        "domain.event"));
  EXPECT_EQ(ErrorOf(With("\"@subject/phone\"", "\"@subject/mobile\"")),
            "t.yaml:11:41: unknown demographic '@subject/mobile' (expected one of: "
            "@subject/given_name, @subject/family_name, @subject/birth_date, @subject/gender, "
            "@subject/address, @subject/postcode, @subject/phone)");
  EXPECT_EQ(ErrorOf(With("include: [\"*\"]", "include: [\"Finances/\"]")),
            "t.yaml:10:15: path 'Finances/' has an empty field name");
  EXPECT_EQ(ErrorOf(With("labels: [safeguarding, mental-health]", "labels: [Mental Health]")),
            "t.yaml:12:14: label 'Mental Health' must be lower case letters, digits and "
            "hyphens");
}

TEST(RuleLoaderTest, EmptyOrMalformedListsAreRejected) {
  EXPECT_EQ(ErrorOf(With("to: asc-county", "to: []")),
            "t.yaml:16:9: 'to' must name at least one recipient");
  EXPECT_EQ(ErrorOf(With("to: asc-county", "to:")),
            "t.yaml:13:5: 'to' must name at least one recipient");
  EXPECT_EQ(ErrorOf(With("from: hosp-general", "from: []")),
            "t.yaml:14:11: 'from' must name at least one agency or kind");
  EXPECT_EQ(ErrorOf(With("to: asc-county", "to: {a: b}")), "t.yaml:16:9: 'to' must be a list");
  EXPECT_EQ(ErrorOf(With("to: asc-county", "to: [[asc-county]]")),
            "t.yaml:16:10: each item of 'to' must be a single value");
  EXPECT_EQ(ErrorOf(With("rules:", "rules: 3\nx:")),
            "t.yaml:5:1: unknown key 'x' (expected: protocol, version, description, owners, "
            "approved, review_by, purpose, legal_basis, consent, justification, headings, "
            "rules, involvement, involvement_alerts)\n"
            "t.yaml:4:8: 'rules' must be a list of rules");
}

TEST(RuleLoaderTest, ReportsEveryErrorNotJustTheFirst) {
  std::string yaml = kGood;
  yaml.replace(yaml.find("from: hosp-general"), 18, "from: hosp-north");
  yaml.replace(yaml.find("types: adt.discharge"), 20, "types: discharge");
  yaml.replace(yaml.find("    labels:"), 11, "    label:");
  const std::string message = ErrorOf(yaml);
  EXPECT_THAT(message, HasSubstr("t.yaml:12:5: unknown key 'label'"));
  EXPECT_THAT(message, HasSubstr("t.yaml:14:11: unknown agency 'hosp-north'"));
  EXPECT_THAT(message, HasSubstr("t.yaml:15:12: record type pattern 'discharge'"));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 2);
}

TEST(RuleLoaderTest, AProtocolWithNoRulesIsAnEmptySet) {
  auto set =
      RuleSet::LoadString("protocol: draft\nversion: 1\nrules: []\n", "d.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE((*set)->rules().empty());
}

}  // namespace
}  // namespace gallery::router
