// Loading `involvement:` blocks: defaults from the protocol, and every mistake reported with
// its file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/router/rule_set.h"
#include "tests/involvement/involvement_test_util.h"

namespace gallery::involvement {
namespace {

using ::testing::HasSubstr;

Result<std::shared_ptr<const router::RuleSet>> Load(const std::string& yaml) {
  return router::RuleSet::LoadString(yaml, "p.yaml", testing::TestAgencies());
}

TEST(InvolvementRuleLoaderTest, RulesTakeTheProtocolsDefaults) {
  auto rules = Load(testing::kProtocol);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  const auto& involvement = (*rules)->involvement_rules();
  ASSERT_EQ(involvement.size(), 4u);
  EXPECT_EQ(involvement[0].id, "dn-learns-care-and-housing");
  EXPECT_EQ(involvement[0].protocol, "who-else");
  EXPECT_EQ(involvement[0].purpose, "direct-care");
  EXPECT_EQ(involvement[0].consent, router::ConsentMode::kObjectionRespected);
  EXPECT_TRUE(involvement[0].asker_needs_relationship);
  EXPECT_EQ(involvement[0].defined_at.line, 8);  // kProtocol starts with a newline
  EXPECT_EQ(involvement[3].purpose, "safeguarding");
  EXPECT_EQ(involvement[3].consent, router::ConsentMode::kOverride);
  EXPECT_FALSE(involvement[3].asker_needs_relationship);
  EXPECT_TRUE((*rules)->rules().empty());
}

TEST(InvolvementRuleLoaderTest, MistakesNameFileAndLine) {
  const std::string yaml = R"(protocol: bad
version: 1
rules:
  - id: share-1
    from: [asc-county]
    types: [assessment.single]
    to: [dn-central]
    include: ["*"]
involvement:
  - id: share-1
    askers: [nobody]
    reveals: [relationship:registered-gp]
  - id: ok-2
    askers: [kind:hospital]
    reveals: [kind:gp-practice]
    asker_relationship: sometimes
    consent: override
  - id: ok-3
    reveals: [kind:housing]
    colour: blue
)";
  auto rules = Load(yaml);
  ASSERT_FALSE(rules.ok());
  const std::string errors = rules.status().message();
  EXPECT_THAT(errors, HasSubstr("p.yaml:10:"));
  EXPECT_THAT(errors, HasSubstr("duplicate rule id 'share-1' (first defined at p.yaml:4"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:11:"));
  EXPECT_THAT(errors, HasSubstr("unknown agency 'nobody'"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:12:"));
  EXPECT_THAT(errors, HasSubstr("involvement rules name agencies and kinds"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:16:"));
  EXPECT_THAT(errors, HasSubstr("unknown asker_relationship 'sometimes'"));
  EXPECT_THAT(errors, HasSubstr("p.yaml:17:"));
  EXPECT_THAT(errors, HasSubstr("needs a 'justification'"));
  EXPECT_THAT(errors, HasSubstr("'askers'"));
  EXPECT_THAT(errors, HasSubstr("colour"));
}

TEST(InvolvementRuleLoaderTest, InvolvementMustBeAList) {
  auto rules = Load("protocol: x\nversion: 1\ninvolvement: yes\n");
  ASSERT_FALSE(rules.ok());
  EXPECT_THAT(rules.status().message(), HasSubstr("p.yaml:3:"));
  EXPECT_THAT(rules.status().message(), HasSubstr("'involvement' must be a list"));
}

}  // namespace
}  // namespace gallery::involvement
