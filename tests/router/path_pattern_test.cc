#include "hub/router/path_pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::router {
namespace {

using ::testing::HasSubstr;

PathPattern Compile(std::string_view text) {
  auto pattern = CompilePathPattern(text);
  EXPECT_TRUE(pattern.ok()) << text << ": " << pattern.status().ToString();
  return pattern.ok() ? *pattern : PathPattern{};
}

std::string ErrorOf(std::string_view text) {
  auto pattern = CompilePathPattern(text);
  EXPECT_FALSE(pattern.ok()) << text;
  if (pattern.ok()) return "";
  EXPECT_EQ(pattern.status().code(), Code::kInvalidArgument);
  return pattern.status().message();
}

TEST(PathPatternTest, ABareHeadingMeansTheWholeSection) {
  const PathPattern finances = Compile("Finances");
  EXPECT_EQ(finances.written, "Finances");
  EXPECT_TRUE(finances.glob.Matches("Finances/Income"));
  EXPECT_TRUE(finances.glob.Matches("finances/Savings"));
  EXPECT_FALSE(finances.glob.Matches("Finances advice/Debts"));
  EXPECT_FALSE(finances.glob.Matches("@subject/phone"));
}

TEST(PathPatternTest, HeadingAndFieldMatchOneFieldIgnoringCase) {
  const PathPattern stairs = Compile("Home environment/Stairs");
  EXPECT_TRUE(stairs.glob.Matches("home Environment/STAIRS"));
  EXPECT_FALSE(stairs.glob.Matches("Home environment/Heating"));
}

TEST(PathPatternTest, StarCoversSectionsAndDemographics) {
  const PathPattern all = Compile("*");
  EXPECT_TRUE(all.glob.Matches("Mobility/Walking"));
  EXPECT_TRUE(all.glob.Matches("@subject/phone"));
  const PathPattern religion = Compile("*/Religion");
  EXPECT_TRUE(religion.glob.Matches("Personal care/Religion"));
  EXPECT_TRUE(religion.glob.Matches("Carers/religion"));
  EXPECT_FALSE(religion.glob.Matches("Carers/Religious needs"));
}

TEST(PathPatternTest, SubjectPatternsMustNameKnownDemographics) {
  for (std::string_view name : kDemographicNames) {
    const std::string path = std::string(kSubjectPrefix) + std::string(name);
    EXPECT_TRUE(Compile(path).glob.Matches(path));
  }
  EXPECT_TRUE(Compile("@Subject/Phone").glob.Matches("@subject/phone"));
  EXPECT_TRUE(Compile("@subject/*").glob.Matches("@subject/address"));
  EXPECT_TRUE(Compile("@subject/*_name").glob.Matches("@subject/given_name"));
  EXPECT_EQ(ErrorOf("@subject/nickname"),
            "unknown demographic '@subject/nickname' (expected one of: @subject/given_name, "
            "@subject/family_name, @subject/birth_date, @subject/gender, @subject/address, "
            "@subject/postcode, @subject/phone)");
  EXPECT_THAT(ErrorOf("@subject/*zz"), HasSubstr("unknown demographic"));
  EXPECT_THAT(ErrorOf("@subject"), HasSubstr("is not a known path"));
  EXPECT_THAT(ErrorOf("@subject/"), HasSubstr("is not a known path"));
  EXPECT_THAT(ErrorOf("@record/id"), HasSubstr("is not a known path"));
}

TEST(PathPatternTest, MalformedPathsAreRejected) {
  EXPECT_EQ(ErrorOf(""), "path pattern must not be empty");
  EXPECT_EQ(ErrorOf("  "), "path pattern must not be empty");
  EXPECT_EQ(ErrorOf("/Income"), "path '/Income' has an empty heading");
  EXPECT_EQ(ErrorOf("Finances/"), "path 'Finances/' has an empty field name");
  EXPECT_EQ(ErrorOf("Mobility / Aids"),
            "path 'Mobility / Aids' has spaces around '/'; write Heading/Field");
  EXPECT_EQ(ErrorOf(" Mobility"), "path ' Mobility' starts or ends with a space");
}

TEST(PathPatternTest, TypePatternsLookLikeDomainDotEvent) {
  for (const char* ok : {"*", "assessment.single", "referral.*", "*.discharge",
                         "assessment.multi-agency", "adt.*"}) {
    EXPECT_TRUE(CompileTypePattern(ok).ok()) << ok;
  }
  for (const char* bad : {"", "assessment", "Assessment.single", "assessment.", ".single",
                          "adt.discharge.extra", "adt discharge", "adt_x.discharge"}) {
    auto glob = CompileTypePattern(bad);
    ASSERT_FALSE(glob.ok()) << bad;
    EXPECT_THAT(glob.status().message(), HasSubstr("must look like domain.event")) << bad;
  }
  EXPECT_TRUE(CompileTypePattern("referral.*")->Matches("referral.request"));
  EXPECT_FALSE(CompileTypePattern("referral.*")->Matches("adt.discharge"));
}

}  // namespace
}  // namespace gallery::router
