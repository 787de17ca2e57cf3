#include "hub/router/glob.h"

#include <gtest/gtest.h>

namespace gallery::router {
namespace {

TEST(GlobTest, WithoutStarsMatchesTheWholeTextIgnoringAsciiCase) {
  const Glob glob("Home environment/Stairs");
  EXPECT_TRUE(glob.Matches("Home environment/Stairs"));
  EXPECT_TRUE(glob.Matches("HOME ENVIRONMENT/stairs"));
  EXPECT_FALSE(glob.Matches("Home environment/Stairs and steps"));
  EXPECT_FALSE(glob.Matches("Home environment/Stair"));
  EXPECT_FALSE(glob.Matches(""));
}

TEST(GlobTest, StarMatchesAnyRunIncludingSlashesAndNothing) {
  const Glob glob("*");
  EXPECT_TRUE(glob.Matches(""));
  EXPECT_TRUE(glob.Matches("Finances/Income"));
  EXPECT_TRUE(glob.Matches("@subject/phone"));
  const Glob section("finances/*");
  EXPECT_TRUE(section.Matches("Finances/"));
  EXPECT_TRUE(section.Matches("Finances/Benefits/Pension"));
  EXPECT_FALSE(section.Matches("Finances"));
  EXPECT_FALSE(section.Matches("Finances extra/Income"));
}

TEST(GlobTest, LeadingMiddleAndTrailingStars) {
  EXPECT_TRUE(Glob("*/Religion").Matches("Personal care/religion"));
  EXPECT_FALSE(Glob("*/Religion").Matches("Personal care/Religion and belief"));
  EXPECT_TRUE(Glob("referral.*").Matches("referral.request"));
  EXPECT_FALSE(Glob("referral.*").Matches("referrals.request"));
  EXPECT_TRUE(Glob("a*b*c").Matches("aXXbYYc"));
  EXPECT_TRUE(Glob("a*b*c").Matches("abc"));
  EXPECT_FALSE(Glob("a*b*c").Matches("acb"));
  EXPECT_TRUE(Glob("*ab*ab").Matches("xabyab"));
  EXPECT_TRUE(Glob("*aab").Matches("aaab"));
}

TEST(GlobTest, AnchoredPiecesMayNotOverlap) {
  EXPECT_FALSE(Glob("a*a").Matches("a"));
  EXPECT_TRUE(Glob("a*a").Matches("aa"));
  EXPECT_FALSE(Glob("ab*b*ba").Matches("aba"));
  EXPECT_TRUE(Glob("ab*b*ba").Matches("abbba"));
  // A middle piece may not borrow characters from the anchored end.
  EXPECT_FALSE(Glob("a*bc*c").Matches("abc"));
  EXPECT_TRUE(Glob("a*bc*c").Matches("abcc"));
}

TEST(GlobTest, KeepsThePatternAsWritten) {
  EXPECT_EQ(Glob("Home Environment/*").pattern(), "Home Environment/*");
}

TEST(GlobTest, AsciiHelpersFoldOnlyAscii) {
  EXPECT_EQ(AsciiLower("Home ENV é"), "home env é");
  EXPECT_TRUE(EqualsIgnoreCase("Mobility", "MOBILITY"));
  EXPECT_FALSE(EqualsIgnoreCase("Mobility", "Mobilit"));
}

}  // namespace
}  // namespace gallery::router
