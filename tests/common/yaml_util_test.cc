#include "hub/common/yaml_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace gallery {
namespace {

using ::testing::HasSubstr;

// The classic "billion laughs": ten levels of ten aliases, 10^10 nodes when walked.
std::string AliasBomb(int levels, int width) {
  std::string text = "l0: &l0 [lol]\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < width; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text;
}

std::string ErrorsOf(std::string_view text, const YamlLimits& limits = {}) {
  YamlErrors errors("t.yaml");
  const YAML::Node root = ParseYaml(text, errors, limits);
  EXPECT_TRUE(root.IsNull());
  return errors.Joined();
}

TEST(YamlUtilTest, RefusesABillionLaughsQuicklyAtTheAliasThatCrossesTheLimit) {
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THAT(ErrorsOf(AliasBomb(10, 10)),
              HasSubstr("t.yaml:7:25: more than 1000000 nodes with aliases expanded"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(YamlUtilTest, RefusesANarrowDeepAliasBombThatUsesFewAliases) {
  // 2^40 nodes from only 80 aliases.
  EXPECT_THAT(ErrorsOf(AliasBomb(40, 2)), HasSubstr("nodes with aliases expanded"));
}

TEST(YamlUtilTest, AcceptsAliasesWithinTheLimit) {
  YamlErrors errors("t.yaml");
  const YAML::Node root =
      // 13 nodes walked: the root, three keys, the anchored map (3) and each alias to it.
      ParseYaml("defaults: &d {purpose: care}\na: *d\nb: *d\n", errors, YamlLimits{.max_nodes = 13});
  EXPECT_TRUE(errors.empty()) << errors.Joined();
  EXPECT_EQ(root["b"]["purpose"].Scalar(), "care");
  EXPECT_THAT(ErrorsOf("defaults: &d {purpose: care}\na: *d\nb: *d\n",
                       YamlLimits{.max_nodes = 12}),
              HasSubstr("t.yaml:3:4: more than 12 nodes"));
}

TEST(YamlUtilTest, RefusesNestingDeeperThanTheLimitAtItsPosition) {
  EXPECT_EQ(ErrorsOf("a:\n  b:\n    c: [x]\n", YamlLimits{.max_depth = 2}),
            "t.yaml:3:5: nesting deeper than 2 levels");
  EXPECT_THAT(ErrorsOf(std::string(200, '[') + std::string(200, ']')),
              HasSubstr("nesting deeper than 32 levels"));
}

TEST(YamlUtilTest, RefusesADocumentLargerThanTheLimit) {
  EXPECT_EQ(ErrorsOf("key: value\n", YamlLimits{.max_bytes = 8}), "t.yaml: larger than 8 bytes");
}

}  // namespace
}  // namespace gallery
