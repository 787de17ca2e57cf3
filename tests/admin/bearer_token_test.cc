#include "hub/admin/bearer_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace gallery::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BearerTokenTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::filesystem::path path_ = std::filesystem::temp_directory_path() /
                                ("gallery-token-" + std::to_string(::getpid()));
};

TEST_F(BearerTokenTest, ReadsTheTokenWithoutSurroundingWhiteSpace) {
  auto token = ReadTokenFile(Write("  0123456789abcdef-xyz\n"));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(*token, "0123456789abcdef-xyz");
}

TEST_F(BearerTokenTest, RefusesAMissingEmptyShortOrSplitTokenNamingTheFileNotTheToken) {
  EXPECT_EQ(ReadTokenFile(path_.string()).status().code(), Code::kNotFound);
  for (const std::string text : {"", "\n", "short-token", "0123456789 abcdef0123"}) {
    auto token = ReadTokenFile(Write(text));
    EXPECT_EQ(token.status().code(), Code::kInvalidArgument) << text;
    EXPECT_THAT(token.status().message(), HasSubstr(path_.string()));
    if (!text.empty() && text != "\n") {
      EXPECT_THAT(token.status().message(), Not(HasSubstr(text)));
    }
  }
}

TEST_F(BearerTokenTest, MatchesOnlyTheBearerSchemeWithTheExactToken) {
  const std::string token = "0123456789abcdef";
  EXPECT_TRUE(BearerMatches("Bearer 0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("Bearer 0123456789abcdeF", token));
  EXPECT_FALSE(BearerMatches("Bearer 0123456789abcdef0", token));
  EXPECT_FALSE(BearerMatches("Bearer 0123456789abcde", token));
  EXPECT_FALSE(BearerMatches("Bearer ", token));
  EXPECT_FALSE(BearerMatches("Basic 0123456789abcdef", token));
  EXPECT_FALSE(BearerMatches("", token));
  EXPECT_FALSE(BearerMatches("Bearer ", ""));
}

}  // namespace
}  // namespace gallery::admin
