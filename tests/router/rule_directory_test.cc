// RuleSet::LoadDirectory: which files are read, in which order, and the content hash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

namespace fs = std::filesystem;
using test_util::DemoAgencies;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Protocol(const std::string& name, const std::string& rule_id) {
  return "protocol: " + name + "\nversion: 1\nrules:\n  - id: " + rule_id +
         "\n    from: asc-county\n    types: assessment.single\n    to: dn-central\n";
}

class RuleDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rule_directory_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "rules");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "rules" / name, std::ios::binary) << text;
  }
  Result<std::shared_ptr<const RuleSet>> Load(const fs::path& dir) {
    return RuleSet::LoadDirectory(dir.string(), DemoAgencies());
  }

  fs::path dir_;
};

TEST_F(RuleDirectoryTest, LoadsYamlAndYmlFilesSortedByNameAndIgnoresOthers) {
  Write("b.yml", Protocol("second", "b-rule"));
  Write("a.yaml", Protocol("first", "a-rule"));
  Write("README.md", "not: [yaml");
  Write("notes.txt", "protocol: nope");
  Write(".draft.yaml", "not: [yaml");
  fs::create_directories(dir_ / "rules" / "old.yaml");
  auto set = Load(dir_ / "rules");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->rules().size(), 2u);
  EXPECT_EQ((*set)->rules()[0].id, "a-rule");
  EXPECT_EQ((*set)->rules()[1].id, "b-rule");
  EXPECT_EQ((*set)->rules()[1].defined_at.file, (dir_ / "rules" / "b.yml").string());
}

TEST_F(RuleDirectoryTest, DuplicateRuleIdsAcrossFilesNameTheFirstFile) {
  Write("a.yaml", Protocol("first", "shared-id"));
  Write("b.yaml", Protocol("second", "shared-id"));
  auto set = Load(dir_ / "rules");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Code::kInvalidArgument);
  const std::string a = (dir_ / "rules" / "a.yaml").string();
  const std::string b = (dir_ / "rules" / "b.yaml").string();
  EXPECT_EQ(set.status().message(),
            b + ":4:9: duplicate rule id 'shared-id' (first defined at " + a + ":4:9)");
}

TEST_F(RuleDirectoryTest, DuplicateProtocolNamesAcrossFilesAreRejected) {
  Write("a.yaml", Protocol("same", "a-rule"));
  Write("b.yaml", Protocol("same", "b-rule"));
  auto set = Load(dir_ / "rules");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              HasSubstr("b.yaml:1:11: protocol 'same' is already defined at "));
}

TEST_F(RuleDirectoryTest, ErrorsFromEveryFileAreReported) {
  Write("a.yaml", Protocol("first", "a-rule") + "    labels: [Bad]\n");
  Write("b.yaml", "protocol: second\nversion: 1\nrules: [\n");
  auto set = Load(dir_ / "rules");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), HasSubstr("a.yaml:8:14: label 'Bad'"));
  EXPECT_THAT(set.status().message(), HasSubstr("b.yaml:4:1: "));
}

TEST_F(RuleDirectoryTest, AMissingFolderIsNotFound) {
  auto set = Load(dir_ / "absent");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Code::kNotFound);
}

TEST_F(RuleDirectoryTest, AFolderWithoutRuleFilesIsAnEmptySetThatSharesNothing) {
  Write("README.md", "# rules go here\n");
  auto set = Load(dir_ / "rules");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE((*set)->rules().empty());
  const v1::Record record = test_util::MakeRecord("asc-county", "assessment.single");
  const Decision decision = (*set)->Route(record, NoSubjectState(), PlanScope::kEveryAgency);
  EXPECT_TRUE(decision.disclosures.empty());
  EXPECT_EQ(decision.withholdings.size(), 5u);
  // Nobody was considered, so the hub records no withholding at all.
  EXPECT_TRUE((*set)->Route(record).withholdings.empty());
}

TEST_F(RuleDirectoryTest, TheRecordTypeCatalogueIsNotReadAsAProtocol) {
  Write("a.yaml", Protocol("first", "a-rule"));
  Write("catalogue.yaml", "types:\n  - assessment.single\n");
  auto set = Load(dir_ / "rules");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->protocols().size(), 1u);
  EXPECT_EQ((*set)->protocols()[0].name, "first");
  // Nor does it count in the rule set's identity.
  auto alone = RuleSet::LoadString(Protocol("first", "a-rule"), "a.yaml", DemoAgencies());
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ((*set)->content_hash(), (*alone)->content_hash());
}

TEST_F(RuleDirectoryTest, ContentHashCoversNamesAndBytesButNotTheFolder) {
  Write("a.yaml", Protocol("first", "a-rule"));
  auto first = Load(dir_ / "rules");
  ASSERT_TRUE(first.ok());
  const std::string hash = (*first)->content_hash();
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);

  // The same file elsewhere, or loaded as a string under its name, hashes alike.
  fs::rename(dir_ / "rules", dir_ / "moved");
  auto moved = Load(dir_ / "moved");
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ((*moved)->content_hash(), hash);
  auto string = RuleSet::LoadString(Protocol("first", "a-rule"), "a.yaml", DemoAgencies());
  ASSERT_TRUE(string.ok());
  EXPECT_EQ((*string)->content_hash(), hash);

  // A changed byte or a renamed file changes it; an ignored file does not.
  fs::rename(dir_ / "moved", dir_ / "rules");
  Write("README.md", "anything");
  EXPECT_EQ((*Load(dir_ / "rules"))->content_hash(), hash);
  Write("a.yaml", Protocol("first", "a-rule") + "# comment\n");
  EXPECT_NE((*Load(dir_ / "rules"))->content_hash(), hash);
  fs::remove(dir_ / "rules" / "a.yaml");
  Write("c.yaml", Protocol("first", "a-rule"));
  EXPECT_NE((*Load(dir_ / "rules"))->content_hash(), hash);
}

}  // namespace
}  // namespace gallery::router
